import Accounts
import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Expired sessions and API key names")
struct SessionPurgeTests {
    @Test func purgeDeletesOnlyExpiredSessions() async throws {
        try await TestLab.run { lab in
            let first = try await lab.staff(["technician"])
            let second = try await lab.staff(["reviewer"])
            try await lab.database.client.query(
                "UPDATE staff_sessions SET expires_at = now() - interval '1 minute' WHERE user_id IN (\(first.id), \(second.id))",
                logger: lab.database.logger
            )
            let sessions = SessionStore(
                database: lab.database, hasher: PasswordHasher(cost: 4), policy: PasswordPolicy(commonPasswords: ["password"])
            )
            #expect(try await sessions.purgeExpiredSessions() == 2)
            #expect(try await sessions.purgeExpiredSessions() == 0)
            let rows = try await lab.database.client.query("SELECT count(*)::int FROM staff_sessions", logger: lab.database.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1, "the admin's session stays") }
            #expect(try await lab.api.get("/v1/users", token: lab.adminToken).status == .ok)
        }
    }

    @Test func anAPIKeyIsListedByAPublicTagThatIsNoPartOfTheSecret() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let issued = try await lab.api.post("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken, json: [:])
            try issued.expect(.created)
            let key = try issued.string("key")
            let id = try issued.uuid("id")
            let tag = try issued.string("prefix")
            #expect(tag == "key-" + id.uuidString.replacingOccurrences(of: "-", with: "").suffix(8).lowercased())
            #expect(!key.contains(tag.dropFirst(4)))
            let listed = try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken)
            for item in try listed.array("items") {
                let prefix = try #require(item["prefix"]?.stringValue)
                #expect(prefix.hasPrefix("key-") && prefix.count == 12)
                #expect(!key.contains(prefix) && !customer.key.contains(prefix.dropFirst(4)))
            }
            #expect(try await lab.api.get("/v1/events", token: key).status == .ok)
        }
    }
}
