import Hummingbird
import Logging
import ServiceLifecycle

/// Serves `app` until SIGTERM or SIGINT, then stops it gracefully: no new connections, the requests in flight answered,
/// the background work (sweeps, webhook deliveries, the change follower) ended, the database pool closed. A stop is
/// bounded: what is still running `shutdownTimeout` after the signal (a client sending its body slowly, a request or a
/// delivery that does not end) is logged and cancelled, and work that ignores cancellation for another 10 s ends the
/// process. A server told to stop is never left running, whatever its clients or the network do.
public func serveUntilSignalled(_ app: some ApplicationProtocol, shutdownTimeout: Duration) async throws {
    let watch = ShutdownWatch(timeout: shutdownTimeout, logger: app.logger)
    var configuration = ServiceGroupConfiguration(
        services: [.init(service: app), .init(service: watch)], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger
    )
    configuration.maximumGracefulShutdownDuration = shutdownTimeout
    configuration.maximumCancellationDuration = .seconds(10)
    try await ServiceGroup(configuration: configuration).run()
}

/// Says when a stop begins and, if it is still going when its time is up, that what is left is being cancelled
/// (ServiceLifecycle says so only at debug level).
struct ShutdownWatch: Service {
    let timeout: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.notice("stopping: finishing the requests in flight and the background work", metadata: ["timeout": "\(timeout)"])
        // Unstructured on purpose: it must outlive this service, which ends at once, and dies with the process.
        Task { [timeout, logger] in
            try await Task.sleep(for: timeout)
            logger.warning("still stopping when LIMS_SHUTDOWN_TIMEOUT ran out: cancelling the requests and work in flight", metadata: ["timeout": "\(timeout)"])
        }
    }
}
