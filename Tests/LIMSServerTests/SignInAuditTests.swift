import Crypto
import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Security events in the audit log")
struct SignInAuditTests {
    @Test func failedRefusedAndLockingSignInsAreAuditedWithoutThePassword() async throws {
        try await TestLab.run { lab in
            let secret = "Tr0ub4dor&3 typed wrongly"
            for _ in 0..<5 { #expect(try await lab.signIn("Admin@lab.test", secret).status == .unauthorized) }
            #expect(try await lab.signIn("admin@lab.test", secret).status == .tooManyRequests)

            let known = try await lab.api.get("/v1/audit?entity=sign_in&entityId=admin@lab.test", token: lab.adminToken)
            let actions = try known.array("items").compactMap { $0["action"]?.stringValue }
            #expect(actions == Array(repeating: "sign_in.failed", count: 5) + ["sign_in.locked", "sign_in.refused"])
            #expect(try known.string("items.0.after.reason") == "wrong_password")
            #expect(try known.number("items.4.after.attempt") == 5)
            #expect(try known.string("items.6.after.lockedScope") == "email")
            #expect(try known.string("items.0.actor.kind") == "system")
            #expect(try known.string("items.0.after.sourceAddress") == "unknown")

            // An unknown email is audited under the SHA-256 of its normalised form, never in clear.
            let typo = "  Nobody@Lab.test "
            #expect(try await lab.signIn(typo, secret).status == .unauthorized)
            let digest = SHA256.hash(data: Data("nobody@lab.test".utf8)).map { String(format: "%02x", $0) }.joined()
            let unknown = try await lab.api.get("/v1/audit?entity=sign_in&entityId=sha256:\(digest)", token: lab.adminToken)
            #expect(try unknown.array("items").count == 1)
            #expect(try unknown.string("items.0.action") == "sign_in.failed")
            #expect(try unknown.string("items.0.after.reason") == "unknown_email")

            let everything = try await lab.api.get("/v1/audit?limit=500", token: lab.adminToken).text
            #expect(!everything.contains(secret))
            #expect(!everything.contains("Tr0ub4dor"))
            #expect(!everything.lowercased().contains("nobody@lab.test"))
        }
    }
}
