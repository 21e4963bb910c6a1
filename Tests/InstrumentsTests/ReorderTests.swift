import Foundation
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

/// `POST /v1/instruments/reorder`: an order as `POST /v1/orders` makes it, one item per instrument with the service of its
/// last certificate, idempotent with `Idempotency-Key`; another customer's or a never-serviced instrument is a 422 naming it.
@Suite("Re-order from the register")
struct ReorderTests {
    func orderCount(_ lab: TestLab, customerId: UUID) async throws -> Int {
        let rows = try await lab.database.client.query("SELECT count(*)::int FROM orders WHERE customer_id = \(customerId)", logger: lab.database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    @Test func reorderPlacesAnOrderForEachInstrumentsLastServiceOnce() async throws {
        try await TestLab.run { lab in
            let fixtures = RegisterFixtures(lab: lab)
            let verification = try await lab.service(kind: "verification", priceMinor: 28_000)
            let calibration = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer()
            let gauge = try await fixtures.instrument(customer.id, serial: "RE-1", manufacturer: "Yichuan", model: "Y-100")
            try await fixtures.certificate(gauge, .calibrated, serviceOn: -500, serviceCode: calibration)
            try await fixtures.certificate(gauge, .pass, serviceOn: -300, validUntil: 60, serviceCode: verification)
            let balance = try await fixtures.instrument(customer.id, serial: "RE-2", manufacturer: "Sartorius", model: "BCE2202")
            try await fixtures.certificate(balance, .calibrated, serviceOn: -100, serviceCode: calibration)
            try await lab.patch("/v1/instruments/\(balance)", token: customer.key, json: ["assetTag": .string("BAL-7")]).expect(.ok)

            let body: [String: JSONValue] = [
                "instrumentIds": .array([.string(gauge.uuidString), .string(balance.uuidString)]), "priority": .string("expedited"),
            ]
            let placed = try await lab.api.post("/v1/instruments/reorder", token: customer.key, json: body, headers: [.idempotencyKey: "re-1"])
            try placed.expect(.created)
            #expect(try placed.string("status") == "submitted")
            #expect(try placed.string("priority") == "expedited")
            #expect(try placed.string("customerReference") == "Re-order \(LabFlow.today())")
            #expect(try placed.string("items.0.serviceCode") == verification)
            #expect(try placed.uuid("items.0.instrumentId") == gauge)
            #expect(try placed.string("items.0.instrument.manufacturer") == "Yichuan")
            #expect(try placed.string("items.0.instrument.serialNumber") == "RE-1")
            #expect(try placed.string("items.1.serviceCode") == calibration)
            #expect(try placed.uuid("items.1.instrumentId") == balance)
            #expect(try placed.string("items.1.instrument.assetTag") == "BAL-7")
            #expect(try placed.number("quote.subtotal.amountMinor") == 63_000)
            // The order is an order like any other.
            let read = try await lab.api.get("/v1/orders/\(try placed.string("id"))", token: customer.key)
            #expect(try read.string("number") == placed.string("number"))

            let replay = try await lab.api.post("/v1/instruments/reorder", token: customer.key, json: body, headers: [.idempotencyKey: "re-1"])
            try replay.expect(.created)
            #expect(replay.headers[.idempotentReplayed] == "true")
            #expect(try replay.string("id") == placed.string("id"))
            let changed = try await lab.api.post(
                "/v1/instruments/reorder", token: customer.key, json: ["instrumentIds": .array([.string(gauge.uuidString)])],
                headers: [.idempotencyKey: "re-1"]
            )
            #expect(changed.status == .unprocessableContent)
            #expect(try await orderCount(lab, customerId: customer.id) == 1)
        }
    }

    @Test func reorderRefusesAnotherCustomersOrANeverServicedInstrumentNamingEach() async throws {
        try await TestLab.run { lab in
            let fixtures = RegisterFixtures(lab: lab)
            let calibration = try await lab.service()
            let customer = try await lab.customer()
            let other = try await lab.customer()
            let mine = try await fixtures.instrument(customer.id, serial: "MINE-1")
            try await fixtures.certificate(mine, .calibrated, serviceOn: -30, serviceCode: calibration)
            let theirs = try await fixtures.instrument(other.id, serial: "THEIRS-1")
            try await fixtures.certificate(theirs, .calibrated, serviceOn: -30, serviceCode: calibration)
            let unserviced = try await fixtures.instrument(customer.id, serial: "NEW-1")

            let refused = try await lab.api.post(
                "/v1/instruments/reorder", token: customer.key,
                json: ["instrumentIds": .array([mine, theirs, unserviced, UUID()].map { .string($0.uuidString) } + [.string("nope")])]
            )
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemFields == ["instrumentIds[4]"])  // not a UUID: refused before anything is looked up
            let named = try await lab.api.post(
                "/v1/instruments/reorder", token: customer.key,
                json: ["instrumentIds": .array([mine, theirs, unserviced, UUID()].map { .string($0.uuidString) })]
            )
            #expect(named.status == .unprocessableContent)
            #expect(named.problemFields == ["instrumentIds[1]", "instrumentIds[2]", "instrumentIds[3]"])
            #expect(named.text.contains("never been serviced"))
            let twice = try await lab.api.post(
                "/v1/instruments/reorder", token: customer.key, json: ["instrumentIds": .array([.string(mine.uuidString), .string(mine.uuidString)])]
            )
            #expect(twice.problemFields == ["instrumentIds[1]"])
            let empty = try await lab.api.post("/v1/instruments/reorder", token: customer.key, json: [:])
            #expect(empty.problemFields == ["instrumentIds"])
            let staff = try await lab.api.post(
                "/v1/instruments/reorder", token: lab.adminToken, json: ["instrumentIds": .array([.string(mine.uuidString)])]
            )
            #expect(staff.status == .forbidden)
            #expect(try await orderCount(lab, customerId: customer.id) == 0)
        }
    }
}
