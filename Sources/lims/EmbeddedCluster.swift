import Foundation
import LIMSServer

/// The project-local PostgreSQL cluster under `.lims/` that `lims` uses when no `DATABASE_URL` is set.
///
/// It is made with `initdb` on first use, started when stopped, listens on a Unix socket only (no TCP),
/// and keeps its data across restarts. PostgreSQL refuses to run as root, so when `lims` runs as root
/// the cluster is owned and run by the unprivileged system user `calibra-pg`.
struct EmbeddedCluster {
    let dataDirectory: URL
    let socketDirectory: URL
    let logFile: URL
    let port: Int
    /// Non-durable settings for a throwaway test cluster (fsync off): fast, and fine to lose.
    let throwaway: Bool

    static let superuser = "calibra"
    /// Owns the database and every object in it; runs migrations.
    static let owner = "calibra_owner"
    /// Serves: a member of `calibra_runtime`, owning nothing.
    static let app = "calibra_app"
    static let databaseName = "calibra"
    static let systemUser = "calibra-pg"

    init(root: URL, port: Int = 54329, throwaway: Bool = false) {
        self.dataDirectory = root.appendingPathComponent("pgdata")
        self.socketDirectory = root.appendingPathComponent("run")
        self.logFile = root.appendingPathComponent("postgres.log")
        self.port = port
        self.throwaway = throwaway
    }

    /// The database as `user` (no password: the socket is private to the cluster's system user and trusted).
    func url(as user: String) -> DatabaseURL {
        DatabaseURL(user: user, socketDirectory: socketDirectory.path, port: port, database: Self.databaseName)
    }

    /// The owner's URL: migrations, and `psql` for maintenance.
    var ownerURL: DatabaseURL { url(as: Self.owner) }
    /// The runtime role's URL: what the server uses.
    var appURL: DatabaseURL { url(as: Self.app) }
    /// The cluster's superuser (creating databases, as the test script does).
    var superuserURL: DatabaseURL { url(as: Self.superuser) }

    var isInitialized: Bool { FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) }

    /// Makes the cluster if needed, starts it if stopped, makes sure the `calibra` database exists, and creates the
    /// owner and runtime roles (handing a database made by an earlier version over to the owner): `Resources/db/roles.sql`.
    func start() throws {
        let tools = try PostgresTools.locate()
        let runAs = try Self.unprivilegedUserIfRoot()
        try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        if let runAs {
            try Shell.run("/bin/chown", [runAs, socketDirectory.path, socketDirectory.deletingLastPathComponent().path])
        }
        if !isInitialized {
            print("Creating the embedded PostgreSQL cluster in \(dataDirectory.path) …")
            try Shell.run(tools.path("initdb"), [
                "-D", dataDirectory.path, "-U", Self.superuser, "--auth=trust", "--encoding=UTF8", "--no-instructions",
            ], as: runAs, quiet: true)
            var settings = """

                # Calibra embedded cluster: Unix socket only, never a TCP port.
                listen_addresses = ''
                unix_socket_directories = '\(socketDirectory.path)'
                unix_socket_permissions = 0700
                port = \(port)
                max_connections = 200
                timezone = 'UTC'

                """
            if throwaway {
                // The test suites run in parallel, each test with its own server pool and fixture pool: room for all of them.
                settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 1000\n"
            }
            let conf = dataDirectory.appendingPathComponent("postgresql.conf")
            let handle = try FileHandle(forWritingTo: conf)
            handle.seekToEndOfFile()
            handle.write(Data(settings.utf8))
            try handle.close()
        }
        if try !isRunning() {
            try Shell.run(tools.path("pg_ctl"), [
                "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-o", "-p \(port) -k \(socketDirectory.path)", "start",
            ], as: runAs, detached: true)
        }
        let exists = try Shell.output(tools.path("psql"), psqlArguments(database: "postgres") + [
            "-tAc", "SELECT 1 FROM pg_database WHERE datname = '\(Self.databaseName)'",
        ])
        if exists.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            try Shell.run(tools.path("psql"), psqlArguments(database: "postgres") + ["-qc", "CREATE DATABASE \(Self.databaseName)"])
        }
        let roles = try Self.rolesScript()
        try Shell.run(tools.path("psql"), psqlArguments(database: Self.databaseName) + ["-q", "-f", roles.path], quiet: true)
    }

    /// The roles script, shared with docker/compose.yaml.
    static func rolesScript() throws -> URL {
        let script = ProjectRoot.locate().appendingPathComponent("Resources/db/roles.sql")
        guard FileManager.default.isReadableFile(atPath: script.path) else {
            throw Shell.Failure(message: "\(script.path) is missing: run lims from the project folder, or set LIMS_ROOT.")
        }
        return script
    }

    func stop() throws {
        guard isInitialized, try isRunning() else { return }
        let tools = try PostgresTools.locate()
        try Shell.run(tools.path("pg_ctl"), ["-D", dataDirectory.path, "-m", "fast", "-w", "stop"], as: try Self.unprivilegedUserIfRoot(), quiet: true)
    }

    func isRunning() throws -> Bool {
        guard isInitialized else { return false }
        let tools = try PostgresTools.locate()
        return (try? Shell.run(tools.path("pg_ctl"), ["-D", dataDirectory.path, "status"], as: try Self.unprivilegedUserIfRoot(), quiet: true)) != nil
    }

    func psqlArguments(database: String) -> [String] {
        ["-h", socketDirectory.path, "-p", String(port), "-U", Self.superuser, "-d", database, "-v", "ON_ERROR_STOP=1"]
    }

    /// As root, the user that owns and runs the cluster (created on first use); otherwise nil.
    static func unprivilegedUserIfRoot() throws -> String? {
        guard geteuid() == 0 else { return nil }
        if (try? Shell.output("/usr/bin/id", ["-u", systemUser])) == nil {
            try Shell.run("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", systemUser])
        }
        return systemUser
    }
}

/// Where the PostgreSQL server programs are: the newest `/usr/lib/postgresql/N/bin`, else `PATH`.
struct PostgresTools {
    let directory: String?

    static func locate() throws -> PostgresTools {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last, FileManager.default.isExecutableFile(atPath: "\(base)/\(newest)/bin/initdb") {
            return PostgresTools(directory: "\(base)/\(newest)/bin")
        }
        if (try? Shell.output("/usr/bin/env", ["which", "initdb"])) != nil { return PostgresTools(directory: nil) }
        throw Shell.Failure(message: "PostgreSQL server programs (initdb, pg_ctl) are not installed: run scripts/setup.sh, or apt-get install postgresql.")
    }

    func path(_ tool: String) -> String {
        directory.map { "\($0)/\(tool)" } ?? tool
    }
}

/// Runs programs, optionally as another user (through `runuser`), and fails loudly with their output.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    @discardableResult
    static func run(_ program: String, _ arguments: [String], as user: String? = nil, quiet: Bool = false, detached: Bool = false) throws -> String {
        let output = try output(program, arguments, as: user, detached: detached)
        if !quiet, !output.isEmpty { print(output, terminator: output.hasSuffix("\n") ? "" : "\n") }
        return output
    }

    /// `detached` is for programs that leave a daemon behind (`pg_ctl start`): the daemon would hold a
    /// captured pipe open forever, so their output goes to /dev/null instead.
    static func output(_ program: String, _ arguments: [String], as user: String? = nil, detached: Bool = false) throws -> String {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", program] + arguments
        } else if program.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        let pipe = Pipe()
        if detached {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        } else {
            process.standardOutput = pipe
            process.standardError = pipe
        }
        try process.run()
        let status: Int32
        if detached {
            // Foundation learns of a child's exit through a descriptor the daemon inherits, so
            // `waitUntilExit` would wait for the daemon too: reap the child ourselves.
            var raw: Int32 = 0
            while waitpid(process.processIdentifier, &raw, 0) == -1, errno == EINTR {}
            status = (raw >> 8) & 0xff
        } else {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            status = process.terminationStatus
            let text = String(decoding: data, as: UTF8.self)
            guard status == 0 else { throw Failure(message: "\(program) \(arguments.joined(separator: " ")) failed (\(status)):\n\(text)") }
            return text
        }
        guard status == 0 else { throw Failure(message: "\(program) \(arguments.joined(separator: " ")) failed (\(status)); see its log.") }
        return ""
    }
}
