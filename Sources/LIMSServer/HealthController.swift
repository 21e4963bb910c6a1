import Foundation
import Hummingbird
import LIMSCore
import Logging
import PostgresNIO

/// `GET /health` (the process is up) and `GET /ready` (the database answers and no migration is pending).
struct HealthController: Sendable {
    let database: Database
    let migrator: Migrator

    struct Status: ResponseEncodable {
        var status: String
        var detail: String?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("health") { _, _ in Status(status: "ok") }
        group.get("ready", use: ready)
    }

    /// Asks the database with a short deadline: a load balancer must hear "not ready" quickly, and the
    /// answer turns back to 200 by itself once the database returns (the pool reconnects).
    func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        let check: @Sendable () async throws -> [String] = { [database, migrator] in
            try await database.connection { connection in
                try await migrator.pending(connection: connection, logger: database.logger)
            }
        }
        let status: Status
        do {
            let pending = try await Deadline.run(seconds: 2, check)
            status = pending.isEmpty ? Status(status: "ready") : Status(status: "not_ready", detail: "pending migrations: \(pending.joined(separator: ", "))")
        } catch is Deadline.Expired {
            status = Status(status: "not_ready", detail: "the database did not answer within 2 s")
        } catch let error as MigrationError {
            status = Status(status: "not_ready", detail: error.description)
        } catch {
            context.logger.warning("readiness check failed", metadata: ["error": .string(String(reflecting: error))])
            status = Status(status: "not_ready", detail: "the database is unreachable")
        }
        var response = try status.response(from: request, context: context)
        response.status = status.status == "ready" ? .ok : .serviceUnavailable
        return response
    }
}

/// Runs work with a deadline without waiting for it to notice cancellation (a pool waiting for a dead
/// server may not), so the caller gets its answer on time.
enum Deadline {
    struct Expired: Error {}

    static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let stream = AsyncStream<Result<T, any Error>>.makeStream()
        let worker = Task {
            do { stream.continuation.yield(.success(try await work())) } catch { stream.continuation.yield(.failure(error)) }
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            stream.continuation.yield(.failure(Expired()))
        }
        defer {
            worker.cancel()
            timer.cancel()
        }
        for await result in stream.stream {
            return try result.get()
        }
        throw Expired()
    }
}
