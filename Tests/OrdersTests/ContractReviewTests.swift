import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Contract review, cancellation and isolation")
struct ContractReviewTests {
    @Test func acceptRejectAndCancelFollowTheStateMachine() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let reviewer = try await lab.staff(["receptionist"])
            let accepted = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
            let acceptedId = try accepted.string("id")
            #expect(try await lab.api.post("/v1/orders/\(acceptedId)/accept", token: reviewer.token).status == .ok)
            let again = try await lab.api.post("/v1/orders/\(acceptedId)/accept", token: reviewer.token)
            #expect(again.status == .conflict)
            #expect(try again.string("currentState") == "accepted")

            let rejected = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
            let rejectedId = try rejected.string("id")
            #expect(try await lab.api.post("/v1/orders/\(rejectedId)/reject", token: reviewer.token, json: [:]).problemFields == ["reason"])
            let rejection = try await lab.api.post("/v1/orders/\(rejectedId)/reject", token: reviewer.token, json: ["reason": .string("Out of scope")])
            #expect(try rejection.string("status") == "rejected")
            #expect(try await lab.api.post("/v1/orders/\(rejectedId)/cancel", token: customer.key).status == .conflict)

            let cancelled = try await lab.api.post("/v1/orders/\(acceptedId)/cancel", token: customer.key)
            #expect(try cancelled.string("status") == "cancelled")
            #expect(try await lab.api.post("/v1/orders/\(acceptedId)/accept", token: customer.key).status == .forbidden)

            let events = try await lab.api.get("/v1/events", token: customer.key)
            let types = try events.array("items").compactMap { $0["type"]?.stringValue }
            #expect(types == ["order.accepted", "order.rejected", "order.cancelled"])
            let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(acceptedId)", token: lab.adminToken)
            let actions = try audit.array("items").compactMap { $0["action"]?.stringValue }
            #expect(actions == ["order.submitted", "order.accepted", "order.cancelled"])
        }
    }

    @Test func customersNeverSeeEachOthersOrdersEventsOrKeys() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let alice = try await lab.customer()
            let bob = try await lab.customer()
            let order = try await lab.api.post("/v1/orders", token: alice.key, json: TestLab.orderBody(serviceCodes: [code]))
            let id = try order.string("id")
            try await lab.api.post("/v1/orders/\(id)/accept", token: lab.adminToken).expect(.ok)
            #expect(try await lab.api.get("/v1/orders/\(id)", token: bob.key).status == .notFound)
            #expect(try await lab.api.get("/v1/orders/\(UUID())", token: bob.key).status == .notFound)
            #expect(try await lab.api.post("/v1/orders/\(id)/cancel", token: bob.key).status == .notFound)
            #expect(try await lab.api.get("/v1/orders", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/orders?customerId=\(alice.id)", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/events", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/events", token: alice.key).array("items").count == 1)
            #expect(try await lab.api.get("/v1/customers/\(alice.id)/api-keys", token: bob.key).status == .notFound)  // as if alice did not exist
            #expect(try await lab.api.get("/v1/customers/\(alice.id)", token: bob.key).status == .notFound)
        }
    }

    @Test func staffListAllOrdersFilteredAndPaged() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let alice = try await lab.customer()
            let bob = try await lab.customer()
            for _ in 0..<3 { _ = try await lab.api.post("/v1/orders", token: alice.key, json: TestLab.orderBody(serviceCodes: [code])) }
            _ = try await lab.api.post("/v1/orders", token: bob.key, json: TestLab.orderBody(serviceCodes: [code]))
            let all = try await lab.api.get("/v1/orders?limit=2", token: lab.adminToken)
            #expect(try all.array("items").count == 2)
            let next = try await lab.api.get("/v1/orders?limit=2&cursor=\(try all.string("nextCursor"))", token: lab.adminToken)
            #expect(try next.array("items").count == 2)
            #expect(next.value("nextCursor") == .null)
            #expect(try await lab.api.get("/v1/orders?customerId=\(alice.id)&status=submitted", token: lab.adminToken).array("items").count == 3)
            #expect(try await lab.api.get("/v1/orders?status=bogus", token: lab.adminToken).problemFields == ["status"])
        }
    }
}
