import ArgumentParser
import Foundation
import Hummingbird
import LIMSServer
import NIOCore
import NIOPosix

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve the API (SIGTERM/SIGINT stop it gracefully).")

    @Option(name: .shortAndLong, help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Port to listen on.")
    var port: Int = 8080

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        // Async code runs on the event loops that do the I/O (HTTP and PostgreSQL) instead of hopping to Swift's global
        // pool and back at every await: measured with benchmarks/order-intake, the hops cost more CPU than the request.
        if let loops = try Self.eventLoops(ProcessInfo.processInfo.environment) { NIOSingletons.groupLoopCountSuggestion = loops }
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let configuration = try database.configuration(host: host, port: port)
        try await serveUntilSignalled(try await buildApplication(configuration), shutdownTimeout: configuration.shutdownTimeout)
    }

    /// `LIMS_EVENT_LOOPS`: the threads that serve HTTP, talk to the database and run the request handlers (default: one per
    /// core). Where PostgreSQL shares a small machine, fewer threads than cores spend less CPU per request (no hops
    /// between threads); benchmarks/order-intake measures both.
    static func eventLoops(_ environment: [String: String]) throws -> Int? {
        guard let text = environment["LIMS_EVENT_LOOPS"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int(text), (1...256).contains(value) else {
            throw ValidationError("LIMS_EVENT_LOOPS must be a whole number from 1 to 256, not \"\(text)\"")
        }
        return value
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the missing migrations of Migrations/ in order.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        let applied = try await Migrator(directory: configuration.migrationsDirectory).migrate(
            url: configuration.migrationDatabase, logger: cliLogger(configuration)
        )
        print(applied.isEmpty ? "Database is up to date." : "Applied: \(applied.joined(separator: ", "))")
    }
}

struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster.",
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self]
    )

    struct ClusterOptions: ParsableArguments {
        @Option(help: "Cluster folder (default: .lims/ of the project).")
        var dir: String?
        @Option(help: "Port of the cluster's socket (default 54329, or LIMS_DB_PORT).")
        var port: Int?
        @Flag(help: "Non-durable settings for a throwaway test cluster (fsync off).")
        var throwaway = false

        var cluster: EmbeddedCluster {
            let project = EmbeddedCluster.project()
            guard dir != nil || port != nil || throwaway else { return project }
            return EmbeddedCluster(
                root: dir.map { URL(fileURLWithPath: $0) } ?? ProjectRoot.locate().appendingPathComponent(".lims"),
                port: port ?? project.port,
                throwaway: throwaway
            )
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the cluster on first use and start it.")
        @OptionGroup var options: ClusterOptions
        func run() throws {
            try options.cluster.start()
            print("PostgreSQL is running: \(options.cluster.ownerURL)")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (its data is kept).")
        @OptionGroup var options: ClusterOptions
        func run() throws {
            try options.cluster.stop()
            print("PostgreSQL is stopped.")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tell whether the cluster exists and runs.")
        @OptionGroup var options: ClusterOptions
        func run() throws {
            let cluster = options.cluster
            if !cluster.isInitialized {
                print("not created (\(cluster.dataDirectory.path))")
                throw ExitCode(3)
            }
            if try cluster.isRunning() {
                print("running: \(cluster.ownerURL)")
            } else {
                print("stopped (\(cluster.dataDirectory.path))")
                throw ExitCode(3)
            }
        }
    }

    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract: "Print a connection URL usable by psql: the owner's (calibra_owner), unless --role says otherwise.",
            discussion: "owner: owns every table, runs migrations. app: the runtime role the server uses. superuser: the cluster's superuser."
        )
        enum Role: String, ExpressibleByArgument, CaseIterable {
            case owner, app, superuser
        }
        @OptionGroup var options: ClusterOptions
        @Option(help: "Which role's URL: owner, app or superuser.")
        var role: Role = .owner
        func run() throws {
            let cluster = options.cluster
            switch role {
            case .owner: print(cluster.ownerURL)
            case .app: print(cluster.appURL)
            case .superuser: print(cluster.superuserURL)
            }
        }
    }
}
