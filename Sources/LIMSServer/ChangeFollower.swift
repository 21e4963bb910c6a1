import LIMSCore
import Logging
import ServiceLifecycle

/// Keeps this instance's caches (API keys' principals, customers' terms, the services order pricing reads) in step
/// with every change (``ChangeNotices/follow(on:logger:)``): listening on a connection of its own, outside the pool
/// (so it never takes a request's place), connecting again a second after the connection is lost. While it is not
/// listening the caches answer nothing, so a lost connection costs speed, never a revoked key working or an old price
/// quoted.
struct ChangeFollower: Service {
    let notices: ChangeNotices
    let database: DatabaseURL
    let logger: Logger
    var retryAfter: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let connection = try await database.connect(logger: logger)
                    do {
                        try await notices.follow(on: connection, logger: logger)
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } catch where !Task.isCancelled {
                    logger.warning("not following changes; cached rows are read from the database until listening again", metadata: [
                        "error": .string(String(reflecting: error)),
                    ])
                } catch {}
                guard (try? await Task.sleep(for: retryAfter)) != nil else { return }
            }
        }
    }
}
