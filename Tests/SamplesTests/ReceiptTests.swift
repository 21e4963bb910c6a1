import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@Suite("Receipt of instruments")
struct ReceiptTests {
    @Test func twoReceptionistsReceivingOneItemAtOnceGetOneReceipt() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code])
            let itemId = try #require(order.itemIds.first)
            let first = try await lab.staff(["receptionist"])
            let second = try await lab.staff(["receptionist"])

            async let one = lab.receive(itemId, token: first.token, location: "Shelf 1")
            async let two = lab.receive(itemId, token: second.token, location: "Shelf 2")
            let responses = try await [one, two]

            #expect(responses.map(\.status.code).sorted() == [200, 409])
            let loser = try #require(responses.first { $0.status == .conflict })
            #expect(try loser.string("currentState") == "received")
            let id = try #require(UUID(uuidString: itemId))
            #expect(try await lab.scalar("SELECT count(*) FROM item_receipts WHERE item_id = \(id)") == 1)
            #expect(try await lab.scalar("SELECT count(*) FROM custody_events WHERE item_id = \(id) AND action = 'received'") == 1)
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(id)") == 1)
        }
    }

    @Test func receiptGivesALabNumberStartsTheOrderAndQueuesTheJob() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(turnaroundDays: 10)
            let customer = try await lab.customer()
            let receptionist = try await lab.staff(["receptionist"])
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code, code], body: nil)

            let received = try await lab.api.post(
                "/v1/items/\(order.itemIds[0])/receive", token: receptionist.token,
                json: ["condition": .string("damaged"), "notes": .string("Dial glass cracked"), "location": .string("Reception shelf A")]
            )
            try received.expect(.ok)
            let number = try received.string("number")
            #expect(number.wholeMatch(of: /ITM-\d{4}-\d{6}/) != nil)
            #expect(try received.string("status") == "received")
            #expect(try received.string("condition") == "damaged")
            #expect(try received.string("conditionNotes") == "Dial glass cracked")
            #expect(try received.string("location") == "Reception shelf A")
            #expect(try received.string("orderId") == order.id)
            #expect(try received.string("customerId") == customer.id.uuidString)
            #expect(try received.string("serviceCode") == code)
            let receivedAt = try #require(DateFormats.parseTimestamp(try received.string("receivedAt")))
            #expect(try await lab.api.get("/v1/orders/\(order.id)", token: customer.key).string("status") == "in_progress")

            let jobs = try await lab.api.get("/v1/jobs?serviceCode=\(code)", token: lab.adminToken)
            #expect(try jobs.array("items").count == 1)
            #expect(try jobs.string("items.0.itemId") == order.itemIds[0])
            #expect(try jobs.string("items.0.dueOn") == DateFormats.formatDay(receivedAt.addingTimeInterval(10 * 86_400)))

            let second = try await lab.receive(order.itemIds[1], token: lab.adminToken)
            try second.expect(.ok)
            #expect(try second.string("number") > number)
            #expect(try await lab.api.get("/v1/orders/\(order.id)", token: customer.key).string("status") == "in_progress")

            let unreceived = try await lab.api.get("/v1/items/\(order.itemIds[0])", token: customer.key)
            #expect(try unreceived.string("number") == number)
            let audit = try await lab.api.get("/v1/audit?entity=item&entityId=\(order.itemIds[0])", token: lab.adminToken)
            #expect(try audit.array("items").compactMap { $0["action"]?.stringValue } == ["item.receive", "item.receipt"])
        }
    }

    @Test func onlyItemsOfAcceptedOrdersAreReceivedAndOnlyByReception() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let receptionist = try await lab.staff(["receptionist"])
            let technician = try await lab.staff(["technician"])
            let submitted = try await lab.order(customerKey: customer.key, serviceCodes: [code], accept: false)
            let refused = try await lab.receive(submitted.itemIds[0], token: receptionist.token)
            #expect(refused.status == .conflict)
            #expect(try refused.string("currentState") == "submitted")
            let item = try await lab.api.get("/v1/items/\(submitted.itemIds[0])", token: receptionist.token)
            #expect(try item.string("status") == "awaiting_receipt")
            #expect(item.value("number") == .null)
            #expect(item.value("location") == .null)

            let accepted = try await lab.order(customerKey: customer.key, serviceCodes: [code])
            #expect(try await lab.receive(accepted.itemIds[0], token: technician.token).status == .forbidden)
            #expect(try await lab.receive(accepted.itemIds[0], token: customer.key).status == .forbidden)
            let invalid = try await lab.api.post(
                "/v1/items/\(accepted.itemIds[0])/receive", token: receptionist.token, json: ["condition": .string("wet")]
            )
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.problemFields.sorted() == ["condition", "location"])
            #expect(try await lab.receive(UUID().uuidString, token: receptionist.token).status == .notFound)
            #expect(try await lab.api.get("/v1/orders/\(accepted.id)", token: customer.key).string("status") == "accepted")
        }
    }

    @Test func receiptIsAnnouncedOnTheOwnersEventFeedOnly() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let alice = try await lab.customer()
            let bob = try await lab.customer()
            let order = try await lab.order(customerKey: alice.key, serviceCodes: [code])
            let received = try await lab.receive(order.itemIds[0], token: lab.adminToken)
            try received.expect(.ok)

            let feed = try await lab.api.get("/v1/events", token: alice.key)
            let events = try feed.array("items")
            #expect(events.compactMap { $0["type"]?.stringValue } == ["order.accepted", "item.received"])
            let event = try #require(events.last)
            #expect(event["subjectId"]?.stringValue == order.itemIds[0])
            #expect(event["data"]?["number"]?.stringValue == (try received.string("number")))
            #expect(event["data"]?["orderId"]?.stringValue == order.id)
            #expect(try await lab.api.get("/v1/events", token: bob.key).array("items").isEmpty)
        }
    }
}
