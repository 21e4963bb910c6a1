import ArgumentParser
import Foundation
import LIMSCore
import LIMSServer
import Webhooks

@main
struct LIMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lims",
        abstract: "Calibra: a laboratory information management system for metrology test centres.",
        subcommands: [Serve.self, Migrate.self, DB.self, User.self, Keys.self, SeedDemo.self, Recall.self, Benchmark.self]
    )
}

/// Options every database-using command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String?

    /// The runtime and migration connections: `DATABASE_URL` and `LIMS_MIGRATION_DATABASE_URL` (which defaults to
    /// `DATABASE_URL`) when set; otherwise the embedded cluster (created and started as needed), whose app role
    /// serves and whose owner role migrates.
    func resolveDatabases() throws -> (runtime: DatabaseURL, migration: DatabaseURL) {
        let environment = ProcessInfo.processInfo.environment
        let migrationText = environment["LIMS_MIGRATION_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = environment["DATABASE_URL"], !text.isEmpty {
            let runtime = try Self.parse(text, name: "DATABASE_URL")
            return (runtime, try migrationText.map { try Self.parse($0, name: "LIMS_MIGRATION_DATABASE_URL") } ?? runtime)
        }
        guard migrationText == nil else {
            throw ValidationError("LIMS_MIGRATION_DATABASE_URL is set but DATABASE_URL is not: set both, or neither for the embedded cluster.")
        }
        let cluster = EmbeddedCluster.project()
        try cluster.start()
        return (cluster.appURL, cluster.ownerURL)
    }

    static func parse(_ text: String, name: String) throws -> DatabaseURL {
        do {
            return try DatabaseURL.parse(text)
        } catch {
            throw ValidationError("\(name) \(error.description)")
        }
    }

    func configuration(host: String = "127.0.0.1", port: Int = 8080) throws -> AppConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let level = (logLevel ?? environment["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0) } ?? .info
        let cost = environment["LIMS_BCRYPT_COST"].flatMap(UInt8.init) ?? 12
        let databases = try resolveDatabases()
        var configuration = AppConfiguration(
            host: host, port: port, database: databases.runtime, migrationDatabase: databases.migration, logLevel: level, bcryptCost: cost,
            projectRoot: ProjectRoot.locate(), signingKeyPath: SigningKeyLocation.default(), publicBaseURL: environment["LIMS_PUBLIC_URL"],
            http: try Self.httpLimits(environment)
        )
        if let text = environment["LIMS_IDEMPOTENCY_RETENTION"], !text.isEmpty {
            guard let retention = DurationText.parse(text), retention >= .seconds(24 * 3600) else {
                throw ValidationError("LIMS_IDEMPOTENCY_RETENTION must be a duration of at least 24h (e.g. 7d)")
            }
            configuration.idempotencyRetention = retention
        }
        if let text = environment["LIMS_SWEEP_INTERVAL"], !text.isEmpty {
            guard let interval = DurationText.parse(text), interval >= .seconds(1) else {
                throw ValidationError("LIMS_SWEEP_INTERVAL must be a duration of at least 1s (e.g. 10m)")
            }
            configuration.sweepInterval = interval
        }
        if let text = environment["LIMS_RECALL_INTERVAL"], !text.isEmpty {
            guard let interval = DurationText.parse(text), interval >= .seconds(1) else {
                throw ValidationError("LIMS_RECALL_INTERVAL must be a duration of at least 1s (e.g. 1h)")
            }
            configuration.recallInterval = interval
        }
        if let text = environment["LIMS_SHUTDOWN_TIMEOUT"], !text.isEmpty {
            guard let timeout = DurationText.parse(text), timeout >= .seconds(1), timeout <= .seconds(3600) else {
                throw ValidationError("LIMS_SHUTDOWN_TIMEOUT must be a duration from 1s to 1h (e.g. 30s)")
            }
            configuration.shutdownTimeout = timeout
        }
        if let text = environment["LIMS_WEB_IDLE_TIMEOUT"], !text.isEmpty {
            guard let idle = DurationText.parse(text), idle >= .seconds(60), idle <= .seconds(12 * 3600) else {
                throw ValidationError("LIMS_WEB_IDLE_TIMEOUT must be a duration from 1m to 12h (e.g. 30m)")
            }
            configuration.webIdleTimeout = idle
        }
        configuration.trustedProxyHeader = environment["LIMS_TRUSTED_PROXY_HEADER"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.webhooks = try Self.webhookSettings(environment)
        configuration.pool = try Self.pool(environment)
        return configuration
    }
}

extension DatabaseOptions {
    /// `LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS` (1 or 0) and `LIMS_WEBHOOK_RETRY_SCHEDULE` (comma-separated durations), plus
    /// `LIMS_WEBHOOK_LEASE` (how long a claimed attempt is held; at least 20s) for tests and tuning.
    static func webhookSettings(_ environment: [String: String]) throws -> WebhookSettings {
        var settings = WebhookSettings()
        switch environment["LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] ?? "" {
        case "", "0": settings.allowPrivateNetworks = false
        case "1": settings.allowPrivateNetworks = true
        default: throw ValidationError("LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS must be 1 or 0")
        }
        if let text = environment["LIMS_WEBHOOK_RETRY_SCHEDULE"], !text.isEmpty {
            guard let schedule = WebhookSettings.parseSchedule(text) else {
                throw ValidationError("LIMS_WEBHOOK_RETRY_SCHEDULE must be comma-separated durations (default \(WebhookSettings.defaultScheduleText))")
            }
            settings.retrySchedule = schedule
        }
        if let text = environment["LIMS_WEBHOOK_LEASE"], !text.isEmpty {
            guard let lease = DurationText.parse(text), lease >= .seconds(20) else { throw ValidationError("LIMS_WEBHOOK_LEASE must be a duration of at least 20s") }
            settings.lease = lease
        }
        return settings
    }

    /// `LIMS_DB_POOL_MIN` (connections kept open, default 4), `LIMS_DB_POOL_MAX` (default 20) and `LIMS_DB_KEEPALIVE`
    /// (how often an idle connection is checked, default 30s; `off` never checks).
    static func pool(_ environment: [String: String]) throws -> DatabasePool {
        var pool = DatabasePool()
        if let text = environment["LIMS_DB_POOL_MAX"], !text.isEmpty {
            guard let value = Int(text), (1...1000).contains(value) else { throw ValidationError("LIMS_DB_POOL_MAX must be a whole number from 1 to 1000") }
            pool.maximumConnections = value
        }
        if let text = environment["LIMS_DB_POOL_MIN"], !text.isEmpty {
            guard let value = Int(text), (0...pool.maximumConnections).contains(value) else {
                throw ValidationError("LIMS_DB_POOL_MIN must be a whole number from 0 to LIMS_DB_POOL_MAX (\(pool.maximumConnections))")
            }
            pool.minimumConnections = value
        } else {
            pool.minimumConnections = min(pool.minimumConnections, pool.maximumConnections)
        }
        if let text = environment["LIMS_DB_KEEPALIVE"], !text.isEmpty {
            if text == "off" {
                pool.keepAlive = nil
            } else {
                guard let every = DurationText.parse(text), every >= .seconds(1) else {
                    throw ValidationError("LIMS_DB_KEEPALIVE must be a duration of at least 1s (e.g. 30s), or off")
                }
                pool.keepAlive = every
            }
        }
        return pool
    }

    static func httpLimits(_ environment: [String: String]) throws -> HTTPLimits {
        do { return try HTTPLimits(environment: environment) } catch let error as HTTPLimitsError { throw ValidationError(error.description) }
    }
}

extension EmbeddedCluster {
    /// The project's own cluster under `.lims/` (`LIMS_DB_PORT` overrides the port).
    static func project() -> EmbeddedCluster {
        let port = ProcessInfo.processInfo.environment["LIMS_DB_PORT"].flatMap(Int.init) ?? 54329
        return EmbeddedCluster(root: ProjectRoot.locate().appendingPathComponent(".lims"), port: port)
    }
}

import Logging
