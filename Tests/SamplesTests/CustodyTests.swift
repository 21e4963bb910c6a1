import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@Suite("Chain of custody")
struct CustodyTests {
    /// `action fromLocation>toLocation fromStatus>toStatus` for each custody event, oldest first.
    static func chain(_ response: APIResponse) throws -> [String] {
        try response.array("items").map { event in
            func text(_ key: String) -> String { event[key]?.stringValue ?? "-" }
            return "\(text("action")) \(text("fromLocation"))>\(text("toLocation")) \(text("fromStatus"))>\(text("toStatus"))"
        }
    }

    @Test func everyCustodyChangeLeavesExactlyOneEventInOrder() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let receptionist = try await lab.staff(["receptionist"], name: "Rita Reception")
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code, code])
            let (first, second) = (order.itemIds[0], order.itemIds[1])
            let firstId = try #require(UUID(uuidString: first))

            try await lab.receive(first, token: receptionist.token, location: "Shelf A").expect(.ok)
            try await lab.act(first, "move", token: receptionist.token, json: ["location": .string("Pressure lab bench 2")]).expect(.ok)
            let held = try await lab.act(first, "hold", token: receptionist.token, json: ["reason": .string("Awaiting customer's adapter")])
            #expect(try held.string("status") == "on_hold")
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(firstId) AND held") == 1)
            let resumed = try await lab.act(first, "resume", token: receptionist.token)
            #expect(try resumed.string("status") == "received")
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(firstId) AND NOT held") == 1)

            let early = try await lab.act(first, "return", token: receptionist.token, json: ["method": .string("courier")])
            #expect(early.status == .conflict)
            #expect(try early.string("currentState") == "received")
            #expect(try await lab.act(first, "resume", token: receptionist.token).string("currentState") == "received")

            let rejected = try await lab.act(first, "reject", token: receptionist.token, json: ["reason": .string("Bourdon tube ruptured")])
            #expect(try rejected.string("status") == "rejected")
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(firstId) AND state = 'withdrawn'") == 1)
            let returned = try await lab.api.post(
                "/v1/items/\(first)/return", token: receptionist.token, json: ["method": .string("courier"), "trackingNumber": .string("SF1234567")]
            )
            #expect(try returned.string("status") == "returned")
            #expect(returned.value("location") == .null)
            #expect(try await lab.act(first, "move", token: receptionist.token, json: ["location": .string("Shelf B")]).status == .conflict)

            let custody = try await lab.api.get("/v1/items/\(first)/custody", token: lab.adminToken)
            #expect(try Self.chain(custody) == [
                "received ->Shelf A awaiting_receipt>received",
                "moved Shelf A>Pressure lab bench 2 received>received",
                "held Pressure lab bench 2>Pressure lab bench 2 received>on_hold",
                "resumed Pressure lab bench 2>Pressure lab bench 2 on_hold>received",
                "rejected Pressure lab bench 2>Pressure lab bench 2 received>rejected",
                "returned Pressure lab bench 2>- rejected>returned",
            ])
            #expect(try custody.string("items.0.actor.name") == "Rita Reception")
            #expect(try custody.string("items.2.reason") == "Awaiting customer's adapter")
            #expect(try custody.string("items.5.details.trackingNumber") == "SF1234567")
            #expect(custody.value("nextCursor") == .null)
            let sequences = try custody.array("items").compactMap { event -> Double? in
                if case .number(let value)? = event["sequence"] { return value } else { return nil }
            }
            #expect(sequences == sequences.sorted() && Set(sequences).count == 6)
            #expect(try await lab.scalar("SELECT count(*) FROM custody_events WHERE item_id = \(firstId)") == 6)

            // The second item is rejected while on hold: the order's last open item, so the order completes.
            try await lab.receive(second, token: receptionist.token, location: "Shelf C").expect(.ok)
            try await lab.act(second, "hold", token: receptionist.token, json: ["reason": .string("Leaking oil")]).expect(.ok)
            #expect(try await lab.act(second, "reject", token: receptionist.token, json: [:]).problemFields == ["reason"])
            try await lab.act(second, "reject", token: receptionist.token, json: ["reason": .string("Contaminated")]).expect(.ok)
            #expect(try await lab.api.get("/v1/orders/\(order.id)", token: customer.key).string("status") == "completed")
            try await lab.act(second, "return", token: receptionist.token, json: ["method": .string("collected")]).expect(.ok)
            let secondCustody = try await lab.api.get("/v1/items/\(second)/custody", token: customer.key)
            #expect(try Self.chain(secondCustody) == [
                "received ->Shelf C awaiting_receipt>received",
                "held Shelf C>Shelf C received>on_hold",
                "rejected Shelf C>Shelf C on_hold>rejected",
                "returned Shelf C>- rejected>returned",
            ])

            let audit = try await lab.api.get("/v1/audit?entity=item&entityId=\(first)", token: lab.adminToken)
            #expect(try audit.array("items").compactMap { $0["action"]?.stringValue } == [
                "item.receive", "item.receipt", "item.move", "item.hold", "item.resume", "item.reject", "item.return",
            ])
        }
    }

    @Test func theDatabaseRefusesToChangeOrDeleteCustodyEvents() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code])
            try await lab.receive(order.itemIds[0], token: lab.adminToken).expect(.ok)
            let id = try #require(UUID(uuidString: order.itemIds[0]))
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query(
                    "UPDATE custody_events SET to_location = 'Nowhere' WHERE item_id = \(id)", logger: lab.database.logger
                )
            }
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("DELETE FROM custody_events WHERE item_id = \(id)", logger: lab.database.logger)
            }
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("TRUNCATE custody_events CASCADE", logger: lab.database.logger)
            }
            #expect(try await lab.scalar("SELECT count(*) FROM custody_events WHERE item_id = \(id) AND to_location = 'Reception shelf A'") == 1)
        }
    }

    @Test func heldItemsResumeToTheStatusTheyHad() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code])
            let item = order.itemIds[0]
            let early = try await lab.act(item, "hold", token: lab.adminToken, json: ["reason": .string("x")])
            #expect(try early.string("currentState") == "awaiting_receipt")
            try await lab.receive(item, token: lab.adminToken).expect(.ok)
            #expect(try await lab.act(item, "hold", token: lab.adminToken, json: [:]).problemFields == ["reason"])
            try await lab.act(item, "hold", token: lab.adminToken, json: ["reason": .string("Awaiting parts")]).expect(.ok)
            let twice = try await lab.act(item, "hold", token: lab.adminToken, json: ["reason": .string("Again")])
            #expect(twice.status == .conflict)
            #expect(try twice.string("currentState") == "on_hold")
            #expect(try await lab.act(item, "move", token: lab.adminToken, json: ["location": .string("Quarantine")]).string("status") == "on_hold")
            let resumed = try await lab.act(item, "resume", token: lab.adminToken, json: ["reason": .string("Parts arrived")])
            #expect(try resumed.string("status") == "received")
            #expect(try resumed.string("location") == "Quarantine")
            #expect(try await lab.act(item, "hold", token: customer.key, json: ["reason": .string("x")]).status == .forbidden)
        }
    }
}

@Suite("Who may change an item's custody")
struct CustodyRoleTests {
    @Test func onlyReceptionistsAndAdminsMoveHoldResumeRejectOrReturnItems() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let receptionist = try await lab.staff(["receptionist"])
            let others = [
                try await lab.staff(["technician"]), try await lab.staff(["billing"]), try await lab.staff(["reviewer", "signatory"]),
            ]
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code])
            let item = order.itemIds[0]
            try await lab.receive(item, token: receptionist.token).expect(.ok)
            let actions: [(String, [String: JSONValue])] = [
                ("move", ["location": .string("Bench 9")]), ("hold", ["reason": .string("x")]), ("resume", [:]),
                ("reject", ["reason": .string("x")]), ("return", ["method": .string("courier")]),
            ]
            for other in others {
                for (action, body) in actions {
                    let refused = try await lab.act(item, action, token: other.token, json: body)
                    #expect(refused.status == .forbidden, "\(action)")
                }
                for (action, body) in [("receive", ["condition": JSONValue.string("ok"), "location": .string("Shelf")])] {
                    #expect(try await lab.act(item, action, token: other.token, json: body).status == .forbidden)
                }
            }
            // Nothing happened: only the receipt is in the chain of custody.
            let firstId = try #require(UUID(uuidString: item))
            #expect(try await lab.scalar("SELECT count(*) FROM custody_events WHERE item_id = \(firstId)") == 1)

            try await lab.act(item, "move", token: receptionist.token, json: ["location": .string("Bench 9")]).expect(.ok)
            try await lab.act(item, "hold", token: lab.adminToken, json: ["reason": .string("Awaiting parts")]).expect(.ok)
            try await lab.act(item, "resume", token: receptionist.token).expect(.ok)
            try await lab.act(item, "reject", token: receptionist.token, json: ["reason": .string("Broken")]).expect(.ok)
            try await lab.act(item, "return", token: lab.adminToken, json: ["method": .string("courier")]).expect(.ok)
            #expect(try await lab.scalar("SELECT count(*) FROM custody_events WHERE item_id = \(firstId)") == 6)
        }
    }
}
