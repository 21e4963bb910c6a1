import ArgumentParser
import Foundation
import LIMSServer

@main
struct LIMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lims",
        abstract: "Calibra: a laboratory information management system for metrology test centres.",
        subcommands: [Serve.self, Migrate.self, DB.self, User.self, Keys.self, SeedDemo.self, Benchmark.self]
    )
}

/// Options every database-using command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String?

    /// `DATABASE_URL` when set; otherwise the embedded cluster, created and started as needed.
    func resolveDatabase() throws -> DatabaseURL {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["DATABASE_URL"], !text.isEmpty {
            guard let url = DatabaseURL(text) else { throw ValidationError("DATABASE_URL is not a postgres:// URL") }
            return url
        }
        let cluster = EmbeddedCluster.project()
        try cluster.start()
        return cluster.url
    }

    func configuration(host: String = "127.0.0.1", port: Int = 8080) throws -> AppConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let level = (logLevel ?? environment["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0) } ?? .info
        let cost = environment["LIMS_BCRYPT_COST"].flatMap(UInt8.init) ?? 12
        var configuration = AppConfiguration(
            host: host, port: port, database: try resolveDatabase(), logLevel: level, bcryptCost: cost,
            projectRoot: ProjectRoot.locate(), signingKeyPath: SigningKeyLocation.default(), publicBaseURL: environment["LIMS_PUBLIC_URL"]
        )
        configuration.trustedProxyHeader = environment["LIMS_TRUSTED_PROXY_HEADER"].flatMap { $0.isEmpty ? nil : $0 }
        return configuration
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
