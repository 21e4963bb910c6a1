import Logging
import ServiceLifecycle

/// Background housekeeping that runs in every instance: every `interval` it runs each sweep once.
/// Sweeps coordinate through the database (`Database.exclusively`), so any number of instances is safe,
/// and a failing sweep is logged and tried again next time without stopping the others.
struct Sweeper: Service {
    struct Sweep: Sendable {
        var name: String
        var run: @Sendable () async throws -> Int
    }

    let interval: Duration
    let sweeps: [Sweep]
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Each pass follows a full interval, the first one too, so start-up (and its migrations) is long done.
            while (try? await Task.sleep(for: interval)) != nil {
                await runOnce()
            }
        }
    }

    /// One pass of every sweep; returns how many records each removed (or, for the recall sweep, sent).
    @discardableResult
    func runOnce() async -> [String: Int] {
        var results: [String: Int] = [:]
        for sweep in sweeps {
            do {
                let removed = try await sweep.run()
                results[sweep.name] = removed
                if removed > 0 { logger.info("sweep done", metadata: ["sweep": .string(sweep.name), "removed": .stringConvertible(removed)]) }
            } catch {
                logger.error("sweep failed", metadata: ["sweep": .string(sweep.name), "error": .string(String(reflecting: error))])
            }
        }
        return results
    }
}
