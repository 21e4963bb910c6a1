import Accounts
import LIMSCore
import Logging
import ServiceLifecycle

/// Keeps this instance's Accounts caches (API keys' principals, customers' terms) in step with every change
/// (``AccountsCaches/follow(database:logger:)``): listening on a connection of the pool, listening again a second after
/// the connection is lost. While it is not listening the caches answer nothing, so a lost connection costs speed, never
/// a revoked key working.
struct AccountsFollower: Service {
    let caches: AccountsCaches
    let database: Database
    var retryAfter: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await caches.follow(database: database, logger: database.logger)
                } catch where !Task.isCancelled {
                    database.logger.warning("not following changes of API keys and customers; reading them from the database until listening again", metadata: [
                        "error": .string(String(reflecting: error)),
                    ])
                } catch {}
                guard (try? await Task.sleep(for: retryAfter)) != nil else { return }
            }
        }
    }
}
