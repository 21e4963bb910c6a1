import Foundation
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Logging
import PostgresNIO
import Testing

/// The server runs as a member of `calibra_runtime` (every TestLab does): it reads and writes rows, but cannot change
/// the schema, switch off the triggers that keep records append-only, or rewrite those records.
@Suite("Least privilege in the database")
struct LeastPrivilegeTests {
    /// Runs `sql` as the runtime role and expects PostgreSQL's own refusal (SQLSTATE 42501, not a trigger's exception).
    func expectPermissionDenied(_ sql: String, in lab: TestLab, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await lab.database.client.query(PostgresQuery(unsafeSQL: sql), logger: lab.database.logger)
            Issue.record("\(sql) succeeded as the runtime role", sourceLocation: sourceLocation)
        } catch let error as PSQLError {
            let message = error.serverInfo?[.message] ?? ""
            #expect(error.sqlState == "42501", "\(sql): \(message)", sourceLocation: sourceLocation)
            #expect(message.contains("permission denied") || message.contains("must be owner"), "\(sql): \(message)", sourceLocation: sourceLocation)
            #expect(!message.contains("append-only"), "\(sql) reached the trigger: \(message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(sql): \(String(reflecting: error))", sourceLocation: sourceLocation)
        }
    }

    func scalar<T: PostgresDecodable & Sendable>(_ sql: String, as type: T.Type, on database: Database) async throws -> T {
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: sql), logger: database.logger)
        for try await value in rows.decode(T.self) { return value }
        throw TestFailure( "no row for \(sql)")
    }

    @Test func theRuntimeRoleCannotAlterTablesDisableTriggersOrRewriteRecords() async throws {
        try await TestLab.run { lab in
            #expect(lab.databaseURL.user == TestDatabase.runtimeUser)
            // Some history to protect: the admin's creation and sign-in are audited; a certificate row is not needed
            // for DELETE to be refused, since the privilege check comes before any row is read.
            #expect(try await scalar("SELECT count(*) FROM audit_events", as: Int.self, on: lab.database) > 0)

            await expectPermissionDenied("ALTER TABLE audit_events ADD COLUMN forged text", in: lab)
            await expectPermissionDenied("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only", in: lab)
            await expectPermissionDenied("ALTER TABLE certificates DISABLE TRIGGER ALL", in: lab)
            await expectPermissionDenied("UPDATE audit_events SET action = 'forged'", in: lab)
            await expectPermissionDenied("DELETE FROM audit_events", in: lab)
            await expectPermissionDenied("DELETE FROM certificates", in: lab)
            await expectPermissionDenied("UPDATE certificates SET digest = 'forged'", in: lab)
            await expectPermissionDenied("DELETE FROM invoices", in: lab)
            await expectPermissionDenied("UPDATE invoice_payments SET amount_minor = 1", in: lab)
            await expectPermissionDenied("DELETE FROM custody_events", in: lab)
            await expectPermissionDenied("UPDATE service_prices SET amount_minor = 0", in: lab)
            await expectPermissionDenied("UPDATE orders SET quote = '{}'", in: lab)
            await expectPermissionDenied("DELETE FROM orders", in: lab)
            await expectPermissionDenied("TRUNCATE audit_events", in: lab)
            await expectPermissionDenied("TRUNCATE staff_sessions", in: lab)
            await expectPermissionDenied("CREATE TABLE smuggled (id int)", in: lab)
            await expectPermissionDenied("DROP TABLE staff_sessions", in: lab)
            await expectPermissionDenied("DROP TRIGGER certificates_immutable ON certificates", in: lab)
            await expectPermissionDenied("INSERT INTO schema_migrations (name, checksum) VALUES ('9999_forged.sql', 'x')", in: lab)

            // What the application does is allowed: append to the audit log, update live rows, lock an invoice row.
            try await lab.database.client.query(
                """
                INSERT INTO audit_events (actor_kind, action, entity, entity_id) VALUES ('system', 'privilege.checked', 'test', 'runtime')
                """,
                logger: lab.database.logger
            )
            #expect(try await scalar("SELECT count(*) FROM audit_events WHERE action = 'privilege.checked'", as: Int.self, on: lab.database) == 1)
            try await lab.database.client.query("UPDATE staff_users SET name = name", logger: lab.database.logger)
            try await lab.database.transaction { connection in
                try await connection.query("SELECT id FROM invoices FOR UPDATE", logger: lab.database.logger)
                try await connection.query("SELECT id FROM certificates FOR UPDATE", logger: lab.database.logger)
            }
        }
    }

    @Test func theRuntimeRoleOwnsNothingAndIsNoSuperuser() async throws {
        try await TestLab.run { lab in
            #expect(try await scalar("SELECT current_user::text", as: String.self, on: lab.database) == TestDatabase.runtimeUser)
            #expect(try await scalar("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user", as: Bool.self, on: lab.database) == false)
            #expect(try await scalar("SELECT pg_has_role(current_user, 'calibra_runtime', 'MEMBER')", as: Bool.self, on: lab.database))
            let owned = try await scalar(
                """
                SELECT (SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole)
                     + (SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole)
                     + (SELECT count(*) FROM pg_namespace WHERE nspowner = current_user::regrole)
                """,
                as: Int.self, on: lab.database
            )
            #expect(owned == 0)
            #expect(try await scalar("SELECT has_schema_privilege('public', 'CREATE')", as: Bool.self, on: lab.database) == false)
            #expect(try await scalar("SELECT has_table_privilege('audit_events', 'INSERT')", as: Bool.self, on: lab.database))
            #expect(try await scalar("SELECT has_table_privilege('audit_events', 'UPDATE')", as: Bool.self, on: lab.database) == false)
        }
    }

    /// Numbers come from per-year sequences made on first use: the runtime role cannot create them, the function can.
    @Test func sequentialNumbersAreIssuedWithoutCreateRights() async throws {
        try await TestLab.run { lab in
            let prefix = "T\(UUID().uuidString.prefix(6).filter(\.isLetter))Q"
            let first = try await lab.database.connection { try await Numbering.sequential(prefix, on: $0, logger: lab.database.logger) }
            let second = try await lab.database.connection { try await Numbering.sequential(prefix, on: $0, logger: lab.database.logger) }
            #expect(first.hasSuffix("-000001"))
            #expect(second.hasSuffix("-000002"))
        }
    }

    /// `buildApplication` migrates over the owner's connection, then serves over the runtime role's pool.
    @Test func startUpMigratesAsTheOwnerAndServesAsTheRuntimeRole() async throws {
        let empty = try await TestDatabase.makeEmpty()
        try await TestLab.run(on: empty) { lab in
            #expect(lab.databaseURL.user == TestDatabase.runtimeUser)
            #expect(lab.ownerURL.user != TestDatabase.runtimeUser)
            let ready = try await lab.api.poll("/ready", until: .ok)
            #expect(ready.status == .ok)
            #expect(try await scalar("SELECT count(*) FROM schema_migrations", as: Int.self, on: lab.database) > 0)
            let owner = try await scalar("SELECT tableowner::text FROM pg_tables WHERE tablename = 'certificates'", as: String.self, on: lab.database)
            #expect(owner == lab.ownerURL.user)
            // The application works: a staff user was made and signed in through it (TestLab's admin).
            #expect(try await lab.api.get("/v1/users", token: lab.adminToken).status == .ok)
        }
    }
}
