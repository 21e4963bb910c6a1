import Accounts
import Logging
import ServiceLifecycle

/// Keeps this instance's API key cache in step with every revocation (``APIKeyStore/followRevocations(logger:)``):
/// listening on a connection of the pool, listening again a second after the connection is lost. While it is not
/// listening the cache answers nothing, so a lost connection costs speed, never a revoked key working.
struct APIKeyFollower: Service {
    let apiKeys: APIKeyStore
    let logger: Logger
    var retryAfter: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await apiKeys.followRevocations(logger: logger)
                } catch where !Task.isCancelled {
                    logger.warning("not following API key changes; keys are read from the database until listening again", metadata: [
                        "error": .string(String(reflecting: error)),
                    ])
                } catch {}
                guard (try? await Task.sleep(for: retryAfter)) != nil else { return }
            }
        }
    }
}
