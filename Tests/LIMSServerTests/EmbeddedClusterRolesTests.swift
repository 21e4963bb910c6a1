import Foundation
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Logging
import PostgresNIO
import Testing

/// The embedded cluster (`lims db start`) makes the owner and runtime roles, and upgrades a cluster made by an
/// earlier version, where the superuser owned every table, without losing anything.
@Suite("Embedded cluster roles")
struct EmbeddedClusterRolesTests {
    let logger = Logger(label: "embedded-roles-tests")

    /// Runs the `lims` binary on a cluster of the test's own.
    static func lims(_ arguments: [String], folder: String, port: String) throws -> String {
        try LIMSChild.succeed(arguments + ["--dir", folder, "--port", port])
    }

    func execute(_ sql: String, on url: DatabaseURL) async throws {
        let connection = try await url.connect(logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func scalar(_ sql: String, on url: DatabaseURL) async throws -> String {
        let connection = try await url.connect(logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await value in rows.decode(String.self) { return value }
        return ""
    }

    @Test(.enabled(if: LIMSChild.binary != nil))
    func aClusterOfAnEarlierVersionIsHandedToTheOwnerAndServesAsTheRuntimeRole() async throws {
        let folder = "/tmp/calibra-roles-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let port = String(53000 + Int.random(in: 0..<2000))
        defer {
            _ = try? Self.lims(["db", "stop"], folder: folder, port: port)
            try? FileManager.default.removeItem(atPath: folder)
        }
        _ = try Self.lims(["db", "start", "--throwaway"], folder: folder, port: port)
        let superuser = try #require(DatabaseURL(try Self.lims(["db", "url", "--role", "superuser"], folder: folder, port: port)))
        let owner = try #require(DatabaseURL(try Self.lims(["db", "url"], folder: folder, port: port)))
        let app = try #require(DatabaseURL(try Self.lims(["db", "url", "--role", "app"], folder: folder, port: port)))
        #expect(owner.user == "calibra_owner")
        #expect(app.user == "calibra_app")

        // What an earlier version left: no roles, everything (tables, functions, a number sequence) the superuser's.
        try await execute(
            """
            DO $$ BEGIN
                ALTER DATABASE calibra OWNER TO calibra;
                ALTER SCHEMA public OWNER TO pg_database_owner;
                DROP ROLE calibra_app; DROP ROLE calibra_owner; DROP ROLE calibra_runtime;
            END $$
            """,
            on: superuser
        )
        let earlier = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-earlier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: earlier, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: earlier) }
        let migrations = TestDatabase.projectRoot.appendingPathComponent("Migrations")
        for name in try FileManager.default.contentsOfDirectory(atPath: migrations.path) where name < "0013" {
            try FileManager.default.copyItem(at: migrations.appendingPathComponent(name), to: earlier.appendingPathComponent(name))
        }
        try await Migrator(directory: earlier).migrate(url: superuser, logger: logger)
        try await execute("SELECT next_sequential_number('ORD')", on: superuser)
        #expect(try await scalar("SELECT tableowner::text FROM pg_tables WHERE tablename = 'audit_events'", on: superuser) == "calibra")

        // The upgrade: `lims db start` makes the roles and hands everything over; then the owner migrates.
        _ = try Self.lims(["db", "start"], folder: folder, port: port)
        for sql in [
            "SELECT tableowner::text FROM pg_tables WHERE tablename = 'audit_events'",
            "SELECT pg_get_userbyid(proowner)::text FROM pg_proc WHERE proname = 'next_sequential_number'",
            "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE relname LIKE 'number_ord_%'",
            "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()",
        ] {
            #expect(try await scalar(sql, on: superuser) == "calibra_owner", "\(sql)")
        }
        try await TestLab.run(on: owner, runtime: app) { lab in
            #expect(try await lab.api.get("/ready").status == .ok)
            let customer = try await lab.customer()
            let code = try await lab.service()
            let order = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
            try order.expect(.created)
            #expect(try order.string("number").hasSuffix("-000002"))  // the sequence made before the upgrade goes on
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("ALTER TABLE audit_events DISABLE TRIGGER ALL", logger: lab.database.logger)
            }
        }
    }
}
