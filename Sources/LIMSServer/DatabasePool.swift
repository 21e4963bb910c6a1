import PostgresNIO

/// How the server's connection pool keeps its connections (`LIMS_DB_POOL_MIN`, `LIMS_DB_POOL_MAX`, `LIMS_DB_KEEPALIVE`).
///
/// PostgresNIO's pool arms timers whenever a connection goes back idle: a keep-alive timer, and an idle-timeout timer for
/// every connection beyond the minimum. Each timer is a few tasks made and cancelled again on the next lease, which on a
/// busy server is work per query. Connections below the minimum are kept open and need no idle-timeout timer.
public struct DatabasePool: Sendable, Equatable {
    /// Connections opened at start and kept open.
    public var minimumConnections: Int = 4
    /// The most connections the pool opens.
    public var maximumConnections: Int = 20
    /// How often an idle connection is checked with `SELECT 1`; nil: never (a broken connection is found on use).
    public var keepAlive: Duration? = .seconds(30)

    public init() {}

    /// `configuration` with this pool's settings.
    public func apply(to configuration: PostgresClient.Configuration) -> PostgresClient.Configuration {
        var configuration = configuration
        configuration.options.minimumConnections = minimumConnections
        configuration.options.maximumConnections = maximumConnections
        configuration.options.keepAliveBehavior = keepAlive.map { .init(frequency: $0) }
        return configuration
    }
}
