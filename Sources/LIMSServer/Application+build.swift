import Accounts
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import Logging
import Orders
import PostgresNIO
import Webhooks

/// Builds the whole Calibra application: the database pool (a service, as the runtime role), migrations before the
/// server starts (over a short-lived connection as the owner), and every module's routes. `lims serve` and the tests call the same function.
public func buildApplication(_ configuration: AppConfiguration) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = configuration.logHandler.map { Logger(label: "calibra", factory: $0) } ?? Logger(label: "calibra")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let client = PostgresClient(configuration: configuration.pool.apply(to: configuration.database.clientConfiguration), backgroundLogger: logger)
    let database = Database(client: client, logger: logger)
    let migrator = Migrator(directory: configuration.migrationsDirectory)

    let modules = try Modules(configuration: configuration, database: database)
    let router = try buildRouter(configuration, modules: modules, migrator: migrator)
    var app = Application(
        router: router,
        server: .guardedHTTP1(configuration.http),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Calibra"),
        logger: logger
    )
    // The webhook worker runs in every instance; claims in the database share the work between them. The change
    // follower lets this instance cache API keys, customers' terms and services while it hears every change of them.
    app.addServices(
        client, housekeeping(configuration, modules: modules), recall(configuration, modules: modules), WebhookWorker(store: modules.webhooks),
        ChangeFollower(notices: modules.changes, database: configuration.database, logger: logger)
    )
    app.beforeServerStarts {
        let applied = try await migrator.migrate(url: configuration.migrationDatabase, logger: logger)
        if !applied.isEmpty { logger.info("migrations applied", metadata: ["count": .stringConvertible(applied.count)]) }
    }
    return app
}

/// The sweeps every instance runs in the background (several instances coordinate through the database).
func housekeeping(_ configuration: AppConfiguration, modules: Modules) -> Sweeper {
    let retention = configuration.idempotencyRetention
    return Sweeper(
        interval: configuration.sweepInterval,
        sweeps: [
            .init(name: "idempotency-keys") { [idempotency = modules.idempotency] in try await idempotency.sweep(olderThan: retention) },
            .init(name: "expired-sessions") { [sessions = modules.sessions] in try await sessions.purgeExpiredSessions() },
            .init(name: "web-sessions") { [webSessions = modules.webSessions] in try await webSessions.purgeEnded() },
            .init(name: "sign-in-throttles") { [throttle = modules.sessions.throttle] in try await throttle.purgeStale() },
        ],
        logger: modules.database.logger
    )
}

/// The recall sweep every instance runs every `LIMS_RECALL_INTERVAL`: notices of instruments due soon and overdue, each sent
/// once per instrument and due date however many instances sweep at once (the database's key decides).
func recall(_ configuration: AppConfiguration, modules: Modules) -> Sweeper {
    Sweeper(
        interval: configuration.recallInterval,
        sweeps: [.init(name: "recall") { [instruments = modules.instruments] in try await RecallSweep(store: instruments).run().total }],
        logger: modules.database.logger
    )
}

/// One pass of the recall sweep now (`lims recall run`), on `database`.
public func runRecallSweep(database: Database) async throws -> (dueSoon: Int, overdue: Int) {
    let summary = try await RecallSweep(store: InstrumentStore(database: database, customers: CustomerStore(database: database))).run()
    return (summary.dueSoon, summary.overdue)
}

/// Wires middleware and every module's controller. Middleware first: it applies only to routes added after it.
func buildRouter(_ configuration: AppConfiguration, modules: Modules, migrator: Migrator) throws -> Router<AppRequestContext> {
    let database = modules.database
    let routes = RouteCatalog()
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RequestIdMiddleware())
    router.add(middleware: ProblemMiddleware(routes: routes))
    router.add(middleware: InputGuardMiddleware())
    // One line per request only at debug (LOG_LEVEL=debug): at info it was a formatted, flushed line on every hot-path request.
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: Authenticator(sessions: modules.sessions, apiKeys: modules.apiKeys))

    HealthController(database: database, migrator: migrator).addRoutes(to: router.group())
    try OpenAPIController(resources: configuration.resourcesDirectory).addRoutes(to: router.group())
    modules.addOpenRoutes(to: router.group("v1"))
    modules.addRoutes(to: router.group("v1", context: AuthenticatedContext.self))
    modules.console.addRoutes(to: router)
    modules.console.addAssetRoutes(to: router)
    modules.portal.addRoutes(to: router)

    routes.load(router.routes)
    return router
}

/// Every registered route as `(METHOD, /path/{param})`, for checking the OpenAPI document against the router.
public func registeredRoutes(_ configuration: AppConfiguration) async throws -> [(method: String, path: String)] {
    let logger = Logger(label: "calibra.routes")
    let client = PostgresClient(configuration: configuration.database.clientConfiguration, backgroundLogger: logger)
    let modules = try Modules(configuration: configuration, database: Database(client: client, logger: logger))
    let router = try buildRouter(configuration, modules: modules, migrator: Migrator(directory: configuration.migrationsDirectory))
    return router.routes.map { ($0.method.rawValue, $0.path.description) }
}
