import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Deactivating a staff user")
struct DeactivationTests {
    @Test func deactivationEndsEverySessionAtOnce() async throws {
        try await TestLab.run { lab in
            let person = try await lab.staff(["technician"])
            let email = try await lab.api.get("/v1/users/\(person.id)", token: lab.adminToken).string("email")
            let second = try await lab.api.login(email: email, password: TestLab.password)
            #expect(try await lab.api.get("/v1/jobs", token: person.token).status == .ok)
            #expect(try await lab.api.get("/v1/jobs", token: second).status == .ok)

            let deactivated = try await lab.api.post("/v1/users/\(person.id)/deactivate", token: lab.adminToken)
            try deactivated.expect(.ok)
            #expect(deactivated.value("active") == .bool(false))
            #expect(try await lab.api.get("/v1/jobs", token: person.token).status == .unauthorized)
            #expect(try await lab.api.get("/v1/jobs", token: second).status == .unauthorized)
            let rows = try await lab.database.client.query(
                "SELECT count(*)::int FROM staff_sessions WHERE user_id = \(person.id)", logger: lab.database.logger
            )
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            // The right password no longer opens a session, with the same answer as a wrong one.
            let refused = try await lab.signIn(email, TestLab.password)
            #expect(refused.status == .unauthorized)
            #expect(try refused.string("detail") == "The email or password is wrong.")

            let audit = try await lab.api.get("/v1/audit?entity=staff_user&entityId=\(person.id)&action=user.deactivated", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
            #expect(try audit.number("items.0.after.sessionsEnded") == 2)
        }
    }

    @Test func deactivationIsAdminOnlyAndRefusesUnknownRepeatedAndSelf() async throws {
        try await TestLab.run { lab in
            let person = try await lab.staff(["reviewer"])
            let other = try await lab.staff(["technician"])
            #expect(try await lab.api.post("/v1/users/\(other.id)/deactivate", token: person.token).status == .forbidden)
            #expect(try await lab.api.post("/v1/users/\(UUID())/deactivate", token: lab.adminToken).status == .notFound)
            #expect(try await lab.api.post("/v1/users/not-a-uuid/deactivate", token: lab.adminToken).status == .badRequest)
            #expect(try await lab.api.post("/v1/users/\(other.id)/deactivate", token: lab.adminToken).status == .ok)
            #expect(try await lab.api.post("/v1/users/\(other.id)/deactivate", token: lab.adminToken).status == .conflict)
            let admin = try await lab.api.get("/v1/users?limit=1", token: lab.adminToken).uuid("items.0.id")
            #expect(try await lab.api.post("/v1/users/\(admin)/deactivate", token: lab.adminToken).status == .conflict)
            #expect(try await lab.api.get("/v1/users", token: lab.adminToken).status == .ok)
        }
    }
}
