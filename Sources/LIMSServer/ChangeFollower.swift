import LIMSCore
import Logging
import ServiceLifecycle

/// Keeps this instance's caches (API keys' principals, customers' terms, the services order pricing reads) in step
/// with every change (``ChangeNotices/follow(database:logger:)``): listening on a connection of the pool, listening
/// again a second after the connection is lost. While it is not listening the caches answer nothing, so a lost
/// connection costs speed, never a revoked key working or an old price quoted.
struct ChangeFollower: Service {
    let notices: ChangeNotices
    let database: Database
    var retryAfter: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await notices.follow(database: database, logger: database.logger)
                } catch where !Task.isCancelled {
                    database.logger.warning("not following changes; cached rows are read from the database until listening again", metadata: [
                        "error": .string(String(reflecting: error)),
                    ])
                } catch {}
                guard (try? await Task.sleep(for: retryAfter)) != nil else { return }
            }
        }
    }
}
