import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

/// Sign-in attempts as a test sends them.
extension TestLab {
    func signIn(_ email: String, _ password: String, from address: String? = nil) async throws -> APIResponse {
        var headers: HTTPFields = [:]
        if let address { headers[HTTPField.Name("X-Forwarded-For")!] = address }
        return try await api.post("/v1/auth/login", json: ["email": .string(email), "password": .string(password)], headers: headers)
    }

    /// The email's row of the throttle: reserved attempts, and whether it is locked now.
    func throttle(email: String) async throws -> (attempts: Int, locked: Bool)? {
        let rows = try await database.client.query(
            "SELECT attempts, coalesce(locked_until > now(), false) FROM sign_in_throttles WHERE scope = 'email' AND subject = \(email)",
            logger: database.logger
        )
        for try await row in rows.decode((Int, Bool).self) { return row }
        return nil
    }

    /// Moves every lock of the email into the past, as if its 15 minutes had gone by.
    func endLock(email: String) async throws {
        try await database.client.query(
            "UPDATE sign_in_throttles SET locked_until = now() - interval '1 second' WHERE scope = 'email' AND subject = \(email)",
            logger: database.logger
        )
    }
}

@Suite("Sign-in throttling")
struct SignInThrottleTests {
    @Test(arguments: ["known", "unknown"])
    func twentyConcurrentWrongSignInsGetFiveTriesAndTheRest429(_ kind: String) async throws {
        try await TestLab.run { lab in
            let email = kind == "known" ? "admin@lab.test" : "nobody-\(UUID().uuidString.prefix(6).lowercased())@lab.test"
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask { try await lab.signIn(email, "wrong password \(index)").status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let unauthorized = statuses.filter { $0 == .unauthorized }.count
            let refused = statuses.filter { $0 == .tooManyRequests }.count
            #expect(unauthorized <= 5)
            #expect(unauthorized == 5, "every one of the five reserved tries is checked and fails")
            #expect(refused == 20 - unauthorized)
            let row = try #require(try await lab.throttle(email: email))
            #expect(row.locked)
            // Locked: even the right password is refused, and the answer says when to come back.
            let owner = try await lab.signIn(email, TestLab.password)
            #expect(owner.status == .tooManyRequests)
            let retryAfter = try #require(Int(owner.headers[.retryAfter] ?? ""))
            #expect(retryAfter > 0 && retryAfter <= 15 * 60)
        }
    }

    @Test func theLockEndsAndTheCountStartsAgain() async throws {
        try await TestLab.run { lab in
            let email = "admin@lab.test"
            for _ in 0..<5 { #expect(try await lab.signIn(email, "wrong password!").status == .unauthorized) }
            #expect(try await lab.signIn(email, TestLab.password).status == .tooManyRequests)

            try await lab.endLock(email: email)
            // The first attempt after the lock starts a new count at one: four more wrong ones are still 401.
            #expect(try await lab.signIn(email, "wrong password!").status == .unauthorized)
            #expect(try await lab.throttle(email: email)?.attempts == 1)
            #expect(try await lab.throttle(email: email)?.locked == false)
            for _ in 0..<4 { #expect(try await lab.signIn(email, "wrong password!").status == .unauthorized) }
            #expect(try await lab.signIn(email, "wrong password!").status == .tooManyRequests)

            // After the next lock ends, the owner signs in, and that clears the count altogether.
            try await lab.endLock(email: email)
            #expect(try await lab.signIn(email, TestLab.password).status == .ok)
            #expect(try await lab.throttle(email: email) == nil)
            for _ in 0..<4 { #expect(try await lab.signIn(email, "wrong password!").status == .unauthorized) }
            #expect(try await lab.signIn(email, TestLab.password).status == .ok)
        }
    }

    @Test func emailsAreThrottledTrimmedAndCaseInsensitively() async throws {
        try await TestLab.run { (lab: TestLab) async throws in
            for variant in ["Admin@Lab.test", " admin@lab.test", "ADMIN@LAB.TEST ", "admin@lab.test", "aDmin@lab.test"] {
                #expect(try await lab.signIn(variant, "wrong password!").status == .unauthorized)
            }
            #expect(try await lab.signIn("admin@lab.test", TestLab.password).status == .tooManyRequests)
        }
    }

    @Test func adminUnlockLetsTheOwnerInAtOnce() async throws {
        try await TestLab.run { lab in
            let person = try await lab.staff(["technician"])
            let email = try await lab.api.get("/v1/users/\(person.id)", token: lab.adminToken).string("email")
            for _ in 0..<5 { #expect(try await lab.signIn(email, "wrong password!").status == .unauthorized) }
            #expect(try await lab.signIn(email, TestLab.password).status == .tooManyRequests)

            #expect(try await lab.api.post("/v1/users/\(person.id)/unlock", token: person.token).status == .forbidden)
            #expect(try await lab.api.post("/v1/users/\(UUID())/unlock", token: lab.adminToken).status == .notFound)
            #expect(try await lab.api.post("/v1/users/\(person.id)/unlock", token: lab.adminToken).status == .noContent)
            #expect(try await lab.signIn(email, TestLab.password).status == .ok)

            let audit = try await lab.api.get("/v1/audit?entity=staff_user&entityId=\(person.id)&action=user.unlocked", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
            #expect(audit.value("items.0.before.locked") == .bool(true))
            #expect(try audit.string("items.0.actor.name") == "Test Admin")
        }
    }

    @Test func oneSourceAddressIsThrottledAcrossEmails() async throws {
        try await TestLab.run(customize: {
            $0.trustedProxyHeader = "X-Forwarded-For"
            $0.signInThrottle.maxFailuresPerAddress = 3
        }) { lab in
            for index in 0..<3 {
                #expect(try await lab.signIn("guess\(index)@lab.test", "wrong password!", from: "203.0.113.7").status == .unauthorized)
            }
            let refused = try await lab.signIn("guess9@lab.test", "wrong password!", from: "203.0.113.7")
            #expect(refused.status == .tooManyRequests)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Only the right-most address counts: what the client put to its left is not trusted.
            #expect(try await lab.signIn("guess9@lab.test", "wrong password!", from: "198.51.100.1, 203.0.113.7").status == .tooManyRequests)
            #expect(try await lab.signIn("guess9@lab.test", "wrong password!", from: "203.0.113.7, 198.51.100.1").status == .unauthorized)
            // The refused attempt did not count against the email it named.
            #expect(try await lab.throttle(email: "guess9@lab.test")?.attempts == 1)
            // Another address, and the admin from it, are unaffected.
            #expect(try await lab.signIn("admin@lab.test", TestLab.password, from: "192.0.2.44").status == .ok)
        }
    }

    @Test func aSuccessfulSignInGivesTheAddressItsTryBack() async throws {
        try await TestLab.run(customize: {
            $0.trustedProxyHeader = "X-Forwarded-For"
            $0.signInThrottle.maxFailuresPerAddress = 2
        }) { (lab: TestLab) async throws in
            for _ in 0..<5 { #expect(try await lab.signIn("admin@lab.test", TestLab.password, from: "192.0.2.10").status == .ok) }
            #expect(try await lab.signIn("x@lab.test", "wrong password!", from: "192.0.2.10").status == .unauthorized)
            #expect(try await lab.signIn("admin@lab.test", TestLab.password, from: "192.0.2.10").status == .ok)
            #expect(try await lab.signIn("y@lab.test", "wrong password!", from: "192.0.2.10").status == .unauthorized)
            #expect(try await lab.signIn("admin@lab.test", TestLab.password, from: "192.0.2.10").status == .tooManyRequests)
        }
    }

    @Test func theTCPPeerIsTheSourceAddressWithoutATrustedProxy() async throws {
        try await TestLab.run(testing: .live) { lab in
            let spoofed = try await lab.signIn("nobody@lab.test", "wrong password!", from: "203.0.113.99")
            #expect(spoofed.status == .unauthorized)
            let rows = try await lab.database.client.query(
                "SELECT subject FROM sign_in_throttles WHERE scope = 'address'", logger: lab.database.logger
            )
            var addresses: [String] = []
            for try await address in rows.decode(String.self) { addresses.append(address) }
            #expect(addresses == ["127.0.0.1"])
        }
    }
}
