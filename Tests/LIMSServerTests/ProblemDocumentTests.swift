import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Errors are problem documents")
struct ProblemDocumentTests {
    @Test func unknownRouteIs404Problem() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.get("/v1/no-such-thing", token: lab.adminToken)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(try response.number("status") == 404)
            #expect(response.headers[.requestId]?.isEmpty == false)
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.delete("/v1/users", token: lab.adminToken)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.headers[.allow] == "GET, POST")
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.request(.post, "/v1/users", token: lab.adminToken, body: ByteBuffer(string: "{\"email\": "))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func bodyOverOneMebibyteIs413() async throws {
        try await TestLab.run { lab in
            let big = "{\"email\": \"" + String(repeating: "a", count: 1_100_000) + "\"}"
            let response = try await lab.api.request(.post, "/v1/users", token: lab.adminToken, body: ByteBuffer(string: big))
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func validationNamesEveryBadFieldAtOnce() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.post(
                "/v1/users", token: lab.adminToken,
                json: ["email": .string("not-an-email"), "roles": .array([.string("wizard"), .string("admin")]), "password": .string("short")]
            )
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.problemFields) == ["email", "name", "roles[0]", "password"])
            let count = try await lab.database.client.query("SELECT count(*) FROM staff_users", logger: lab.database.logger)
            for try await users in count.decode(Int.self) { #expect(users == 1) }  // only the test admin: nothing half-written
        }
    }

    @Test func missingTokenIs401AndWrongRoleIs403() async throws {
        try await TestLab.run { lab in
            let anonymous = try await lab.api.get("/v1/users")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            let bogus = try await lab.api.get("/v1/users", token: "cst_not-a-real-token")
            #expect(bogus.status == .unauthorized)
            let technician = try await lab.staff(["technician"])
            let forbidden = try await lab.api.get("/v1/users", token: technician.token)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func requestIdIsEchoedOrGenerated() async throws {
        try await TestLab.run { lab in
            let given = try await lab.api.get("/health", headers: [.requestId: "trace-abc-123"])
            #expect(given.headers[.requestId] == "trace-abc-123")
            let hostile = try await lab.api.get("/health", headers: [.requestId: "bad id\nwith newline"])
            #expect(hostile.headers[.requestId] != nil)
            #expect(hostile.headers[.requestId]?.contains(" ") == false)
        }
    }
}
