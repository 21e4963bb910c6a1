import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Orders
import PostgresNIO
import Testing

@Suite("Idempotent order submission")
struct IdempotencyTests {
    @Test func retryWithTheSameKeyReplaysTheOriginalResponse() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let body = TestLab.orderBody(serviceCodes: [code])
            let first = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "key-1"])
            let retry = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "key-1"])
            #expect(first.status == .created)
            #expect(retry.status == .created)
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(first.headers[.idempotentReplayed] == nil)
            #expect(try retry.string("id") == first.string("id"))
            #expect(retry.text == first.text)
            var other = body
            other["customerReference"] = .string("another PO")
            let mismatch = try await lab.api.post("/v1/orders", token: customer.key, json: other, headers: [.idempotencyKey: "key-1"])
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.problemFields == ["Idempotency-Key"])
            // The event is recorded with the stored response, once: a replay records nothing. Without a key, as well.
            let unkeyed = try await lab.api.post("/v1/orders", token: customer.key, json: body)
            try unkeyed.expect(.created)
            for (id, expected) in [(try first.string("id"), first), (try unkeyed.string("id"), unkeyed)] {
                let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(id)&action=order.submitted", token: lab.adminToken)
                #expect(try audit.array("items").count == 1)
                #expect(audit.value("items.0.after") == expected.json)
            }
        }
    }

    @Test func keysAreScopedToTheCustomer() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let first = try await lab.customer()
            let second = try await lab.customer()
            let body = TestLab.orderBody(serviceCodes: [code])
            let a = try await lab.api.post("/v1/orders", token: first.key, json: body, headers: [.idempotencyKey: "shared"])
            let b = try await lab.api.post("/v1/orders", token: second.key, json: body, headers: [.idempotencyKey: "shared"])
            #expect(a.status == .created && b.status == .created)
            #expect(try a.string("id") != b.string("id"))
            #expect(b.headers[.idempotentReplayed] == nil)
        }
    }

    @Test func concurrentFirstSubmissionsWithOneKeyMakeOneOrder() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let body = TestLab.orderBody(serviceCodes: [code])
            let responses = try await withThrowingTaskGroup(of: (Int, String, Bool).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "race"])
                        return (response.status.code, try response.string("id"), response.headers[.idempotentReplayed] == "true")
                    }
                }
                return try await group.reduce(into: [(Int, String, Bool)]()) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.0 == 201 })
            #expect(Set(responses.map(\.1)).count == 1)
            #expect(responses.filter { !$0.2 }.count == 1)  // exactly one did the work; seven replayed
            let orders = try await lab.api.get("/v1/orders", token: customer.key)
            #expect(try orders.array("items").count == 1)
            let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(responses[0].1)&action=order.submitted", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
        }
    }

    /// The key is claimed at the end of the work: a retry does the work again, finds the key taken, rolls back and replays.
    /// Nothing of the retry may stay behind, and a retry whose work now fails replays all the same.
    @Test func aRetryLeavesNothingBehindAndReplaysEvenWhenItsWorkWouldNowFail() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let body = TestLab.orderBody(serviceCodes: [code])
            func counts() async throws -> [Int] {
                let rows = try await lab.database.client.query(
                    """
                    SELECT (SELECT count(*) FROM orders)::int, (SELECT count(*) FROM order_items)::int, (SELECT count(*) FROM audit_events)::int,
                           (SELECT count(*) FROM customer_events)::int, (SELECT count(*) FROM idempotency_keys)::int, (SELECT count(*) FROM instruments)::int
                    """
                )
                var values: [Int] = []
                for try await (a, b, c, d, e, f) in rows.decode((Int, Int, Int, Int, Int, Int).self) { values = [a, b, c, d, e, f] }
                return values
            }
            let first = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "po-1"])
            try first.expect(.created)
            let before = try await counts()
            let retry = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "po-1"])
            #expect(retry.status == .created && retry.headers[.idempotentReplayed] == "true" && retry.text == first.text)
            let after = try await counts()
            // Orders, items, audit events, customer events, keys and registered instruments are as they were.
            #expect(after == before)

            let id = try first.string("id")
            let cancelled = try await lab.api.post("/v1/orders/\(id)/cancel", token: customer.key, headers: [.idempotencyKey: "cancel-1"])
            #expect(try cancelled.string("status") == "cancelled")
            // Cancelling a cancelled order is 409, but this is a retry of the first cancellation: it replays.
            let again = try await lab.api.post("/v1/orders/\(id)/cancel", token: customer.key, headers: [.idempotencyKey: "cancel-1"])
            #expect(again.status == .ok && again.headers[.idempotentReplayed] == "true" && again.text == cancelled.text)
            // A new key asks for a new cancellation: the work's own answer.
            let fresh = try await lab.api.post("/v1/orders/\(id)/cancel", token: customer.key, headers: [.idempotencyKey: "cancel-2"])
            #expect(fresh.status == .conflict)
            // The same key on another order is another request: 422 on the key, whatever the work would have said.
            let other = try await lab.api.post("/v1/orders", token: customer.key, json: body)
            let misused = try await lab.api.post("/v1/orders/\(try other.string("id"))/cancel", token: customer.key, headers: [.idempotencyKey: "cancel-1"])
            #expect(misused.status == .unprocessableContent && misused.problemFields == ["Idempotency-Key"])
            let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(id)&action=order.cancelled", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
        }
    }

    @Test func fingerprintIsTheRawBytesNotTheirMeaning() {
        let body = Array(#"{"customerReference": "PO-1", "items": []}"#.utf8)
        let compact = Array(#"{"customerReference":"PO-1","items":[]}"#.utf8)
        let fingerprint = Idempotency.fingerprint(method: "POST", path: "/v1/orders", body: body)
        #expect(fingerprint == Idempotency.fingerprint(method: "POST", path: "/v1/orders", body: body))
        #expect(fingerprint.count == 64 && fingerprint.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(fingerprint != Idempotency.fingerprint(method: "POST", path: "/v1/orders", body: compact))
        #expect(fingerprint != Idempotency.fingerprint(method: "POST", path: "/v1/orders/x/cancel", body: body))
        // SHA-256 of " \n" (empty method and path, empty body): the bytes are hashed as given.
        #expect(Idempotency.fingerprint(method: "", path: "", body: []) == "e16f1596201850fd4a63680b27f603cb64e67176159be3d8ed78a4403fdb1700")
    }

    @Test func deeplyNestedBodyWithAKeyAnswersFast() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            // About 1 KB: a 500-deep array under a field the API does not know.
            let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
            let body = ByteBuffer(string: #"{"customerReference":"PO-1","priority":"standard","x":\#(nested)}"#)
            // The same body without a key is the yardstick (the machine may be busy): with the key it costs only a hash more.
            let clock = ContinuousClock()
            var plain: APIResponse?
            let withoutKey = try await clock.measure {
                plain = try await lab.api.request(.post, "/v1/orders", token: customer.key, body: body)
            }
            var keyed: APIResponse?
            let withKey = try await clock.measure {
                keyed = try await lab.api.request(.post, "/v1/orders", token: customer.key, headers: [.idempotencyKey: "nested"], body: body)
            }
            #expect([400, 422].contains(try #require(plain).status.code))
            #expect(try #require(keyed).status == plain?.status)
            #expect(withKey < max(.seconds(2), withoutKey * 5), "with the key \(withKey), without \(withoutKey)")
            let hashing = clock.measure { _ = Idempotency.fingerprint(method: "POST", path: "/v1/orders", body: Array(buffer: body)) }
            #expect(hashing < .milliseconds(50))
        }
    }
}
