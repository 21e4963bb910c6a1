import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

/// People at a customer: made by a lab admin or the customer's own `customer_admin`, signing in like staff, and
/// reading and acting exactly as the customer's API key does.
@Suite("Customer users")
struct CustomerUserTests {
    func body(_ email: String, role: String = "customer_user", password: String = TestLab.password) -> [String: JSONValue] {
        ["email": .string(email), "name": .string("Li Wei"), "role": .string(role), "password": .string(password)]
    }

    @Test func aLabAdminAndTheCustomersAdminMakePeopleWhoSignIn() async throws {
        try await TestLab.run { lab in
            let acme = try await lab.customer()
            let email = "coordinator-\(UUID().uuidString.prefix(6).lowercased())@acme.test"
            let created = try await lab.api.post("/v1/customers/\(acme.id)/users", token: lab.adminToken, json: body(email, role: "customer_admin"))
            try created.expect(.created)
            #expect(try created.string("role") == "customer_admin")
            #expect(try created.uuid("customerId") == acme.id)
            #expect(created.value("password") == nil)

            let login = try await lab.api.post("/v1/auth/login", json: ["email": .string(email.uppercased()), "password": .string(TestLab.password)])
            try login.expect(.ok)
            #expect(login.value("user.roles") == .array([.string("customer_admin")]))
            #expect(try login.uuid("user.customerId") == acme.id)
            let adminToken = try login.string("token")

            // The customer's admin makes a colleague; both are listed, staff are not.
            let colleague = try await lab.customerPerson(acme.id, role: "customer_user", token: adminToken)
            let listed = try await lab.api.get("/v1/customers/\(acme.id)/users", token: adminToken)
            try listed.expect(.ok)
            let ids = try listed.array("items").compactMap { $0["id"]?.stringValue.flatMap(UUID.init(uuidString:)) }
            #expect(Set(ids) == [try created.uuid("id"), colleague.id])
            let audit = try await lab.api.get("/v1/audit?entity=customer_user&entityId=\(colleague.id)&action=customer_user.created", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
            #expect(try audit.string("items.0.actor.name").contains(email))
        }
    }

    @Test func aCustomerUserAnotherCustomersAdminTheAPIKeyAndOtherStaffAreRefused() async throws {
        try await TestLab.run { lab in
            let acme = try await lab.customer()
            let other = try await lab.customer()
            let user = try await lab.customerPerson(acme.id, role: "customer_user")
            let otherAdmin = try await lab.customerPerson(other.id, role: "customer_admin")
            let technician = try await lab.staff(["technician"])
            let path = "/v1/customers/\(acme.id)/users"
            let fresh = { "p-\(UUID().uuidString.prefix(8).lowercased())@acme.test" }

            #expect(try await lab.api.post(path, token: user.token, json: body(fresh())).status == .forbidden)
            #expect(try await lab.api.get(path, token: user.token).status == .forbidden)
            #expect(try await lab.api.post("/v1/customers/\(acme.id)/api-keys", token: user.token, json: [:]).status == .forbidden)
            // Another customer's admin learns nothing: as if the customer did not exist.
            #expect(try await lab.api.post(path, token: otherAdmin.token, json: body(fresh())).status == .notFound)
            #expect(try await lab.api.get(path, token: otherAdmin.token).status == .notFound)
            #expect(try await lab.api.delete("\(path)/\(user.id)", token: otherAdmin.token).status == .notFound)
            #expect(try await lab.api.get("/v1/customers/\(acme.id)/api-keys", token: otherAdmin.token).status == .notFound)
            // The customer's system does not make people, and staff without admin do not either.
            #expect(try await lab.api.post(path, token: acme.key, json: body(fresh())).status == .forbidden)
            #expect(try await lab.api.post(path, token: technician.token, json: body(fresh())).status == .forbidden)

            // Nothing was written by the refusals.
            let listed = try await lab.api.get(path, token: lab.adminToken)
            #expect(try listed.array("items").count == 1)
        }
    }

    @Test func badInputNamesEveryFieldAndAnEmailIsOnePersonAcrossStaffAndCustomers() async throws {
        try await TestLab.run { lab in
            let acme = try await lab.customer()
            let bad = try await lab.api.post(
                "/v1/customers/\(acme.id)/users", token: lab.adminToken,
                json: ["email": .string("not an email"), "role": .string("customer_owner"), "password": .string("short")]
            )
            try bad.expect(.unprocessableContent)
            let fields = Set(try bad.array("errors").compactMap { $0["field"]?.stringValue })
            #expect(fields == ["email", "name", "role", "password"])
            #expect(try await lab.api.post("/v1/customers/\(UUID())/users", token: lab.adminToken, json: body("x@acme.test")).status == .notFound)
            // A staff email cannot be reused for a customer's person, whatever its case.
            let taken = try await lab.api.post("/v1/customers/\(acme.id)/users", token: lab.adminToken, json: body("ADMIN@lab.test"))
            #expect(taken.status == .conflict)
        }
    }

    @Test func aCustomerUsersTokenActsExactlyAsTheCustomersKey() async throws {
        try await TestLab.run { lab in
            let service = try await lab.service()
            let acme = try await lab.customer()
            let other = try await lab.customer()
            let user = try await lab.customerPerson(acme.id)
            let submitted = try await lab.api.post(
                "/v1/orders", token: user.token, json: TestLab.orderBody(serviceCodes: [service]), headers: [HTTPField.Name("Idempotency-Key")!: UUID().uuidString]
            )
            try submitted.expect(.created)
            let mine = try submitted.uuid("id")
            #expect(try submitted.uuid("customerId") == acme.id)
            let byKey = try await lab.api.get("/v1/orders/\(mine)", token: acme.key)
            try byKey.expect(.ok)
            let theirs = try await lab.api.post(
                "/v1/orders", token: other.key, json: TestLab.orderBody(serviceCodes: [service]), headers: [HTTPField.Name("Idempotency-Key")!: UUID().uuidString]
            )
            try theirs.expect(.created)

            #expect(try await lab.api.get("/v1/orders/\(try theirs.uuid("id"))", token: user.token).status == .notFound)
            let orders = try await lab.api.get("/v1/orders", token: user.token)
            #expect(try orders.array("items").compactMap { $0["id"]?.stringValue.flatMap(UUID.init(uuidString:)) } == [mine])
            #expect(try await lab.api.get("/v1/customers/\(other.id)", token: user.token).status == .notFound)
            #expect(try await lab.api.get("/v1/customers/\(acme.id)", token: user.token).status == .ok)
            // Staff routes stay closed.
            #expect(try await lab.api.get("/v1/users", token: user.token).status == .forbidden)
            #expect(try await lab.api.get("/v1/jobs", token: user.token).status == .forbidden)
            // The audit names the person.
            let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(mine)", token: lab.adminToken)
            #expect(try audit.string("items.0.actor.name").contains(user.email))
        }
    }

    @Test func staffListsAndStaffActionsNeverReachACustomersPerson() async throws {
        try await TestLab.run { lab in
            let service = try await lab.service()
            let acme = try await lab.customer()
            let user = try await lab.customerPerson(acme.id)
            let staff = try await lab.api.get("/v1/users?limit=200", token: lab.adminToken)
            #expect(!(try staff.array("items")).contains { $0["id"]?.stringValue.flatMap(UUID.init(uuidString:)) == user.id })
            #expect(try await lab.api.get("/v1/users/\(user.id)", token: lab.adminToken).status == .notFound)
            #expect(try await lab.api.post("/v1/users/\(user.id)/deactivate", token: lab.adminToken).status == .notFound)
            let grant = try await lab.api.post(
                "/v1/users/\(user.id)/authorizations", token: lab.adminToken,
                json: ["serviceCode": .string(service), "activity": .string("perform"), "validUntil": .string("2030-01-01")]
            )
            #expect(grant.status == .notFound)
        }
    }

    @Test func passwordChangeLockoutAndRemoval() async throws {
        try await TestLab.run { lab in
            let acme = try await lab.customer()
            let admin = try await lab.customerPerson(acme.id, role: "customer_admin")
            let user = try await lab.customerPerson(acme.id)
            let second = try await lab.api.login(email: user.email, password: TestLab.password)

            let wrong = try await lab.api.post(
                "/v1/auth/password", token: user.token,
                json: ["currentPassword": .string("not my password"), "newPassword": .string("a new long passphrase 7")]
            )
            try wrong.expect(.forbidden)
            let changed = try await lab.api.post(
                "/v1/auth/password", token: user.token,
                json: ["currentPassword": .string(TestLab.password), "newPassword": .string("a new long passphrase 7")]
            )
            try changed.expect(.noContent)
            #expect(try await lab.api.get("/v1/orders", token: second).status == .unauthorized)  // other sessions ended
            #expect(try await lab.api.get("/v1/orders", token: user.token).status == .ok)
            _ = try await lab.api.login(email: user.email, password: "a new long passphrase 7")

            // Five wrong passwords lock the email like a member of staff's.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                statuses.append(try await lab.api.post("/v1/auth/login", json: ["email": .string(user.email), "password": .string("guess")]).status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)

            // The customer's admin removes the person: their sessions end at once; no one removes themself.
            #expect(try await lab.api.delete("/v1/customers/\(acme.id)/users/\(admin.id)", token: admin.token).status == .conflict)
            #expect(try await lab.api.delete("/v1/customers/\(acme.id)/users/\(user.id)", token: admin.token).status == .noContent)
            #expect(try await lab.api.get("/v1/orders", token: user.token).status == .unauthorized)
            #expect(try await lab.api.delete("/v1/customers/\(acme.id)/users/\(user.id)", token: admin.token).status == .notFound)
            let listed = try await lab.api.get("/v1/customers/\(acme.id)/users", token: admin.token)
            #expect(try listed.array("items").count == 1)
        }
    }

    @Test func theCustomersAdminManagesItsOwnAPIKeysOnly() async throws {
        try await TestLab.run { lab in
            let acme = try await lab.customer()
            let other = try await lab.customer()
            let admin = try await lab.customerPerson(acme.id, role: "customer_admin")
            let issued = try await lab.api.post("/v1/customers/\(acme.id)/api-keys", token: admin.token, json: ["label": .string("ERP")])
            try issued.expect(.created)
            let key = try issued.string("key")
            #expect(try await lab.api.get("/v1/orders", token: key).status == .ok)
            let otherKeys = try await lab.api.get("/v1/customers/\(other.id)/api-keys", token: lab.adminToken)
            let otherKey = try otherKeys.string("items.0.id")
            #expect(try await lab.api.delete("/v1/api-keys/\(otherKey)", token: admin.token).status == .notFound)
            #expect(try await lab.api.get("/v1/orders", token: other.key).status == .ok)
            #expect(try await lab.api.delete("/v1/api-keys/\(try issued.string("id"))", token: admin.token).status == .noContent)
            #expect(try await lab.api.get("/v1/orders", token: key).status == .unauthorized)
        }
    }
}
