import Crypto
import Foundation
import LIMSServer
import Logging
import PostgresNIO

/// Fresh databases on the throwaway test cluster (`LIMS_TEST_DATABASE_URL`, set by `scripts/test.sh`).
///
/// Migrations run once per test process into a template database; every test then gets its own copy
/// (`CREATE DATABASE … TEMPLATE`), so no test depends on another's data and they can run in parallel.
/// Migrations run as the cluster's superuser (the owner); the application runs as `runtimeUser`, a login member of
/// `calibra_runtime`, so every test proves the server needs no more than that role's rights.
public enum TestDatabase {
    /// The login role the application runs as in tests (the embedded cluster's runtime login).
    public static let runtimeUser = "calibra_app"

    /// `url` (the owner's) as the runtime login.
    public static func runtime(_ url: DatabaseURL) -> DatabaseURL {
        url.with(user: runtimeUser)
    }

    public static var serverURL: DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["LIMS_TEST_DATABASE_URL"], let url = DatabaseURL(text) else {
            preconditionFailure("LIMS_TEST_DATABASE_URL is not set: run the tests with scripts/test.sh, which starts a throwaway cluster.")
        }
        return url
    }

    public static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let logger = Logger(label: "calibra.tests")

    /// An empty database (for migration tests).
    public static func makeEmpty() async throws -> DatabaseURL {
        try await rolesTask.value
        let name = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        try await admin { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        return serverURL.with(database: name)
    }

    /// A database with every migration applied, copied from the per-process template.
    public static func makeMigrated() async throws -> DatabaseURL {
        let template = try await templateTask.value
        let name = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        try await admin { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: logger)
        }
        return serverURL.with(database: name)
    }

    /// Migrates the template once per process; its name carries the migrations' checksum, so an edited
    /// migration gets a new template. An advisory lock makes concurrent test processes agree.
    static let templateTask = Task<String, any Error> {
        try await rolesTask.value
        let migrator = Migrator(directory: projectRoot.appendingPathComponent("Migrations"))
        let digest = SHA256.hash(data: Data(try migrator.migrations().map(\.checksum).joined().utf8))
        let name = "calibra_template_\(digest.map { String(format: "%02x", $0) }.joined().prefix(16))"
        try await admin { connection in
            try await connection.query("SELECT pg_advisory_lock(4242)", logger: logger)
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)_building"), logger: logger)
                let building = try await serverURL.with(database: "\(name)_building").connect(logger: logger)
                do {
                    try await migrator.migrate(connection: building, logger: logger)
                    try await building.close()
                } catch {
                    try? await building.close()
                    throw error
                }
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(name)_building RENAME TO \(name)"), logger: logger)
            }
            try await connection.query("SELECT pg_advisory_unlock(4242)", logger: logger)
        }
        return name
    }

    /// Creates `calibra_runtime` and the runtime login where missing (roles are cluster-wide: several test
    /// processes may race, hence the lock and the tolerated duplicate).
    static let rolesTask = Task<Void, any Error> {
        try await admin { connection in
            try await connection.query("SELECT pg_advisory_lock(4243)", logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: """
                    DO $$
                    BEGIN
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calibra_runtime') THEN CREATE ROLE calibra_runtime NOLOGIN; END IF;
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(runtimeUser)') THEN CREATE ROLE \(runtimeUser) LOGIN; END IF;
                        IF NOT pg_has_role('\(runtimeUser)', 'calibra_runtime', 'MEMBER') THEN GRANT calibra_runtime TO \(runtimeUser); END IF;
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                    END $$
                    """),
                logger: logger
            )
            try await connection.query("SELECT pg_advisory_unlock(4243)", logger: logger)
        }
    }

    /// Runs administrative statements on the cluster's `postgres` database over a connection closed afterwards.
    static func admin(_ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await serverURL.with(database: "postgres").connect(logger: logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
