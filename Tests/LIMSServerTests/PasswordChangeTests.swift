import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Changing one's own password")
struct PasswordChangeTests {
    static let newPassword = "Uncertainty budget k=2"

    @Test func changeKeepsThisSessionAndEndsEveryOther() async throws {
        try await TestLab.run { lab in
            let person = try await lab.staff(["technician"])
            let email = try await lab.api.get("/v1/users/\(person.id)", token: lab.adminToken).string("email")
            let other = try await lab.api.login(email: email, password: TestLab.password)

            let changed = try await lab.api.post(
                "/v1/auth/password", token: person.token,
                json: ["currentPassword": .string(TestLab.password), "newPassword": .string(Self.newPassword)]
            )
            #expect(changed.status == .noContent, "\(changed.text)")
            #expect(try await lab.api.get("/v1/jobs", token: person.token).status == .ok)
            #expect(try await lab.api.get("/v1/jobs", token: other).status == .unauthorized)
            #expect(try await lab.signIn(email, TestLab.password).status == .unauthorized)
            #expect(try await lab.signIn(email, Self.newPassword).status == .ok)

            let audit = try await lab.api.get("/v1/audit?entity=staff_user&entityId=\(person.id)&action=password.changed", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
            #expect(try audit.number("items.0.after.otherSessionsEnded") == 1)
            let everything = try await lab.api.get("/v1/audit?limit=500", token: lab.adminToken).text
            #expect(!everything.contains(Self.newPassword) && !everything.contains(TestLab.password))
        }
    }

    @Test func aWrongCurrentPasswordIs403NamingTheFieldAndCountsAsAFailedSignIn() async throws {
        try await TestLab.run { lab in
            let person = try await lab.staff(["reviewer"])
            let email = try await lab.api.get("/v1/users/\(person.id)", token: lab.adminToken).string("email")
            let wrong = try await lab.api.post(
                "/v1/auth/password", token: person.token,
                json: ["currentPassword": .string("not my password"), "newPassword": .string(Self.newPassword)]
            )
            #expect(wrong.status == .forbidden)
            #expect(wrong.problemFields == ["currentPassword"])
            #expect(try await lab.throttle(email: email)?.attempts == 1)
            let wrongAndWeak = try await lab.api.post(
                "/v1/auth/password", token: person.token, json: ["currentPassword": .string("not my password"), "newPassword": .string("letmein")]
            )
            #expect(wrongAndWeak.status == .forbidden)
            #expect(Set(wrongAndWeak.problemFields) == ["currentPassword", "newPassword"], "every problem is named: \(wrongAndWeak.text)")
            #expect(try await lab.throttle(email: email)?.attempts == 2)
            for _ in 0..<3 {
                _ = try await lab.api.post(
                    "/v1/auth/password", token: person.token,
                    json: ["currentPassword": .string("not my password"), "newPassword": .string(Self.newPassword)]
                )
            }
            let locked = try await lab.api.post(
                "/v1/auth/password", token: person.token,
                json: ["currentPassword": .string(TestLab.password), "newPassword": .string(Self.newPassword)]
            )
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] != nil)
            #expect(try await lab.signIn(email, TestLab.password).status == .tooManyRequests)
        }
    }

    @Test func theNewPasswordFollowsTheRules() async throws {
        try await TestLab.run { lab in
            let person = try await lab.staff(["billing"])
            let weak = try await lab.api.post(
                "/v1/auth/password", token: person.token,
                json: ["currentPassword": .string(TestLab.password), "newPassword": .string("letmein")]
            )
            #expect(weak.status == .unprocessableContent)
            #expect(Set(weak.problemFields) == ["newPassword"])
            #expect(weak.problemFields.count == 2, "too short, and a common password: \(weak.text)")
            let same = try await lab.api.post(
                "/v1/auth/password", token: person.token,
                json: ["currentPassword": .string(TestLab.password), "newPassword": .string(TestLab.password)]
            )
            #expect(same.status == .unprocessableContent)
            #expect(same.problemFields == ["newPassword"])
            let both = try await lab.api.post("/v1/auth/password", token: person.token, json: ["newPassword": .string("          ")])
            #expect(Set(both.problemFields) == ["currentPassword", "newPassword"])
            #expect(try await lab.api.get("/v1/jobs", token: person.token).status == .ok)
        }
    }

    @Test func aCustomerAPIKeyCannotChangeAPasswordAndAnonymousIs401() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let body: [String: JSONValue] = ["currentPassword": .string(TestLab.password), "newPassword": .string(Self.newPassword)]
            #expect(try await lab.api.post("/v1/auth/password", token: customer.key, json: body).status == .forbidden)
            #expect(try await lab.api.post("/v1/auth/password", json: body).status == .unauthorized)
        }
    }
}
