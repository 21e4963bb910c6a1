import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@Suite("The audit log")
struct AuditTests {
    @Test func auditTableRefusesUpdateAndDelete() async throws {
        try await TestLab.run { lab in
            let logger = lab.database.logger
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("UPDATE audit_events SET action = 'forged'", logger: logger)
            }
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("DELETE FROM audit_events", logger: logger)
            }
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("TRUNCATE audit_events", logger: logger)
            }
            let rows = try await lab.database.client.query("SELECT count(*) FROM audit_events WHERE action = 'forged'", logger: logger)
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }

    @Test func stateChangesAreAuditedWithActorAndRequestId() async throws {
        try await TestLab.run { lab in
            let created = try await lab.api.post(
                "/v1/users", token: lab.adminToken,
                json: ["email": .string("new@lab.test"), "name": .string("New Person"), "roles": .array([.string("technician")]),
                       "password": .string("long enough password")],
                headers: [.requestId: "req-user-create-1"]
            )
            try created.expect(.created)
            let id = try created.string("id")
            let audit = try await lab.api.get("/v1/audit?entity=staff_user&entityId=\(id)&action=user.created", token: lab.adminToken)
            try audit.expect(.ok)
            #expect(try audit.array("items").count == 1)
            #expect(try audit.string("items.0.requestId") == "req-user-create-1")
            #expect(try audit.string("items.0.actor.name") == "Test Admin")
            #expect(try audit.string("items.0.after.email") == "new@lab.test")
            #expect(audit.value("items.0.after.passwordHash") == nil)
        }
    }

    @Test func auditIsCursorPagedAndAdminOnly() async throws {
        try await TestLab.run { lab in
            for _ in 0..<3 { try await lab.staff(["technician"]) }
            let first = try await lab.api.get("/v1/audit?action=user.created&limit=2", token: lab.adminToken)
            #expect(try first.array("items").count == 2)
            let cursor = try first.string("nextCursor")
            let second = try await lab.api.get("/v1/audit?action=user.created&limit=2&cursor=\(cursor)", token: lab.adminToken)
            #expect(try second.array("items").count >= 1)
            #expect(try first.number("items.1.id") < second.number("items.0.id"))
            let technician = try await lab.staff(["technician"])
            #expect(try await lab.api.get("/v1/audit", token: technician.token).status == .forbidden)
            #expect(try await lab.api.get("/v1/audit?limit=9999", token: lab.adminToken).status == .unprocessableContent)
        }
    }
}
