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
            let technician = try await lab.staff(["technician"])
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code, code])
            let (first, second) = (order.itemIds[0], order.itemIds[1])
            let firstId = try #require(UUID(uuidString: first))

            try await lab.receive(first, token: receptionist.token, location: "Shelf A").expect(.ok)
            try await lab.act(first, "move", token: technician.token, json: ["location": .string("Pressure lab bench 2")]).expect(.ok)
            let held = try await lab.act(first, "hold", token: technician.token, json: ["reason": .string("Awaiting customer's adapter")])
            #expect(try held.string("status") == "on_hold")
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(firstId) AND held") == 1)
            let resumed = try await lab.act(first, "resume", token: technician.token)
            #expect(try resumed.string("status") == "received")
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(firstId) AND NOT held") == 1)

            let early = try await lab.act(first, "return", token: receptionist.token, json: ["method": .string("courier")])
            #expect(early.status == .conflict)
            #expect(try early.string("currentState") == "received")
            #expect(try await lab.act(first, "resume", token: technician.token).string("currentState") == "received")

            let rejected = try await lab.act(first, "reject", token: technician.token, json: ["reason": .string("Bourdon tube ruptured")])
            #expect(try rejected.string("status") == "rejected")
            #expect(try await lab.scalar("SELECT count(*) FROM jobs WHERE item_id = \(firstId) AND state = 'withdrawn'") == 1)
            let returned = try await lab.api.post(
                "/v1/items/\(first)/return", token: receptionist.token, json: ["method": .string("courier"), "trackingNumber": .string("SF1234567")]
            )
            #expect(try returned.string("status") == "returned")
            #expect(returned.value("location") == .null)
            #expect(try await lab.act(first, "move", token: technician.token, json: ["location": .string("Shelf B")]).status == .conflict)

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
            try await lab.act(second, "hold", token: technician.token, json: ["reason": .string("Leaking oil")]).expect(.ok)
            #expect(try await lab.act(second, "reject", token: technician.token, json: [:]).problemFields == ["reason"])
            try await lab.act(second, "reject", token: technician.token, json: ["reason": .string("Contaminated")]).expect(.ok)
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
