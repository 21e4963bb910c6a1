import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Staff sign-in, sessions and API keys")
struct AuthTests {
    @Test func loginReturnsTokenThatAuthenticatesAndLogoutEndsIt() async throws {
        try await TestLab.run { lab in
            let login = try await lab.api.post("/v1/auth/login", json: ["email": .string("ADMIN@lab.test"), "password": .string(TestLab.password)])
            try login.expect(.ok)
            let token = try login.string("token")
            #expect(try login.array("user.roles") == [.string("admin")])
            #expect(try await lab.api.get("/v1/users", token: token).status == .ok)
            #expect(try await lab.api.post("/v1/auth/logout", token: token).status == .noContent)
            #expect(try await lab.api.get("/v1/users", token: token).status == .unauthorized)
        }
    }

    @Test func sessionTokensAreStoredOnlyAsHashes() async throws {
        try await TestLab.run { lab in
            let rows = try await lab.database.client.query(
                "SELECT count(*) FROM staff_sessions WHERE encode(token_hash, 'escape') LIKE '%' || \(lab.adminToken) || '%'",
                logger: lab.database.logger
            )
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            let hashes = try await lab.database.client.query("SELECT length(token_hash) FROM staff_sessions", logger: lab.database.logger)
            for try await length in hashes.decode(Int.self) { #expect(length == 32) }
        }
    }

    @Test func expiredSessionIsRefused() async throws {
        try await TestLab.run { lab in
            try await lab.database.client.query("UPDATE staff_sessions SET expires_at = now() - interval '1 second'", logger: lab.database.logger)
            #expect(try await lab.api.get("/v1/users", token: lab.adminToken).status == .unauthorized)
        }
    }

    @Test func repeatedFailuresLockTheAccount() async throws {
        try await TestLab.run { lab in
            for _ in 0..<5 {
                let wrong = try await lab.api.post("/v1/auth/login", json: ["email": .string("admin@lab.test"), "password": .string("wrong password!")])
                #expect(wrong.status == .unauthorized)
            }
            let locked = try await lab.api.post("/v1/auth/login", json: ["email": .string("admin@lab.test"), "password": .string(TestLab.password)])
            #expect(locked.status == .tooManyRequests)
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 0)
            let unknown = try await lab.api.post("/v1/auth/login", json: ["email": .string("nobody@lab.test"), "password": .string("whatever123")])
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test func revokedAPIKeyIsRefusedAtOnce() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            #expect(try await lab.api.get("/v1/events", token: customer.key).status == .ok)
            let keys = try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken)
            let keyId = try keys.string("items.0.id")
            #expect(try await lab.api.delete("/v1/api-keys/\(keyId)", token: lab.adminToken).status == .noContent)
            #expect(try await lab.api.get("/v1/events", token: customer.key).status == .unauthorized)
            #expect(try await lab.api.delete("/v1/api-keys/\(keyId)", token: lab.adminToken).status == .conflict)
        }
    }

    @Test func customerCannotSeeAnotherCustomer() async throws {
        try await TestLab.run { lab in
            let first = try await lab.customer()
            let second = try await lab.customer()
            #expect(try await lab.api.get("/v1/customers/\(first.id)", token: first.key).status == .ok)
            #expect(try await lab.api.get("/v1/customers/\(second.id)", token: first.key).status == .notFound)
            #expect(try await lab.api.get("/v1/users", token: first.key).status == .forbidden)
        }
    }
}
