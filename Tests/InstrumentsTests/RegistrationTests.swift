import Foundation
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

/// Order submission links each item to the customer's registered instrument, registering it on first sight.
@Suite("Instrument registration at order submission")
struct RegistrationTests {
    func count(_ sql: PostgresQuery, in lab: TestLab) async throws -> Int {
        let rows = try await lab.database.client.query(sql, logger: lab.database.logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    @Test func theSameInstrumentTypedDifferentlyOnTwoOrdersIsOneInstrument() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let first = try await lab.order(customer.key, serviceCode: code, instruments: [("Acme Instruments", "PG-100", "SN 0042")])
            try first.expect(.created)
            let second = try await lab.order(customer.key, serviceCode: code, instruments: [("  acme   INSTRUMENTS ", "pg-100", "sn\t 0042 ")])
            try second.expect(.created)
            let id = try first.uuid("items.0.instrumentId")
            #expect(try second.uuid("items.0.instrumentId") == id)
            // The item as read back names it too.
            let read = try await lab.api.get("/v1/orders/\(try second.string("id"))", token: customer.key)
            #expect(try read.uuid("items.0.instrumentId") == id)

            let register = try await lab.api.get("/v1/instruments", token: customer.key)
            try register.expect(.ok)
            let items = try register.array("items")
            #expect(items.count == 1)
            // As first typed.
            #expect(try register.string("items.0.manufacturer") == "Acme Instruments")
            #expect(try register.string("items.0.serialNumber") == "SN 0042")
            #expect(try register.string("items.0.status") == "no_due_date")
            #expect(register.value("items.0.nextDueOn") == .null)
            #expect(register.value("items.0.lastResult") == .null)
            #expect(try register.string("items.0.category") == "Pressure gauge")
            // A different serial number is another instrument.
            let third = try await lab.order(customer.key, serviceCode: code, instruments: [("Acme Instruments", "PG-100", "SN 0043")])
            #expect(try third.uuid("items.0.instrumentId") != id)
            #expect(try await count("SELECT count(*)::int FROM audit_events WHERE action = 'instrument.registered'", in: lab) == 2)
        }
    }

    @Test func twoConcurrentOrdersForANewInstrumentMakeOneInstrument() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            // Each order names the new gauge and a second new instrument in the other order, so the rows race both ways.
            let ids = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let instruments = [("Yichuan", "Y-100", "RACE-1"), ("Yichuan", "Y-100", "RACE-2")]
                        let response = try await lab.order(
                            customer.key, serviceCode: code, instruments: index.isMultiple(of: 2) ? instruments : instruments.reversed()
                        )
                        try response.expect(.created)
                        let byLine = [try response.uuid("items.0.instrumentId"), try response.uuid("items.1.instrumentId")]
                        return index.isMultiple(of: 2) ? byLine : byLine.reversed()
                    }
                }
                return try await group.reduce(into: [[UUID]]()) { $0.append($1) }
            }
            #expect(Set(ids.map { $0[0] }).count == 1)
            #expect(Set(ids.map { $0[1] }).count == 1)
            #expect(ids[0][0] != ids[0][1])
            #expect(try await count("SELECT count(*)::int FROM instruments WHERE customer_id = \(customer.id)", in: lab) == 2)
            #expect(try await count("SELECT count(*)::int FROM audit_events WHERE action = 'instrument.registered'", in: lab) == 2)
            #expect(try await count("SELECT count(*)::int FROM order_items WHERE instrument_id = \(ids[0][0])", in: lab) == 8)
        }
    }

    @Test func anOrderNamingOneInstrumentTwiceLinksBothItemsToIt() async throws {
        try await TestLab.run { lab in
            let calibration = try await lab.service()
            let customer = try await lab.customer()
            let response = try await lab.order(customer.key, serviceCode: calibration, instruments: [("Acme", "PG-1", "S-1"), ("ACME", "pg-1", "s-1")])
            try response.expect(.created)
            #expect(try response.uuid("items.0.instrumentId") == response.uuid("items.1.instrumentId"))
        }
    }

    @Test func eachCustomerHasItsOwnRegister() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let mine = try await lab.customer()
            let theirs = try await lab.customer()
            let a = try await lab.order(mine.key, serviceCode: code, instruments: [("Acme", "PG-1", "SHARED-1")])
            let b = try await lab.order(theirs.key, serviceCode: code, instruments: [("Acme", "PG-1", "SHARED-1")])
            let myInstrument = try a.uuid("items.0.instrumentId")
            #expect(try b.uuid("items.0.instrumentId") != myInstrument)
            // Another customer's instrument looks exactly like a missing one.
            let foreign = try await lab.api.get("/v1/instruments/\(myInstrument)", token: theirs.key)
            #expect(foreign.status == .notFound)
            let missing = try await lab.api.get("/v1/instruments/\(UUID())", token: theirs.key)
            #expect(missing.status == .notFound)
            #expect(try await lab.patch("/v1/instruments/\(myInstrument)", token: theirs.key, json: ["location": .string("x")]).status == .notFound)
            // A customer's customerId filter cannot widen its scope; staff filter by customer.
            let scoped = try await lab.api.get("/v1/instruments?customerId=\(mine.id)", token: theirs.key)
            #expect(try scoped.array("items").count == 1)
            #expect(try scoped.uuid("items.0.customerId") == theirs.id)
            let staff = try await lab.api.get("/v1/instruments?customerId=\(mine.id)", token: lab.adminToken)
            #expect(try staff.uuid("items.0.id") == myInstrument)
            #expect(try await lab.api.get("/v1/instruments", token: lab.adminToken).array("items").count == 2)
        }
    }

    @Test func aMandatoryVerificationServiceMarksTheInstrumentAndOnlyVerificationsMayBeMandatory() async throws {
        try await TestLab.run { lab in
            let verification = try await lab.service(kind: "verification", mandatoryVerificationCategory: "safety_protection")
            let services = try await lab.api.get("/v1/services/\(verification)", token: lab.adminToken)
            #expect(try services.string("mandatoryVerificationCategory") == "safety_protection")
            let refused = try await lab.api.post(
                "/v1/services", token: lab.adminToken,
                json: [
                    "code": .string("CAL-M"), "title": .string("t"), "kind": .string("calibration"), "instrumentCategory": .string("c"),
                    "quantity": .string("q"), "unit": .string("u"), "range": .string("r"), "method": .string("m"), "accredited": .bool(true),
                    "price": .object(["amountMinor": .number(1), "currency": .string("CNY")]), "turnaroundDays": .number(1),
                    "expediteSurchargeBasisPoints": .number(0), "mandatoryVerificationCategory": .string("medical"),
                ]
            )
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemFields == ["mandatoryVerificationCategory"])
            let customer = try await lab.customer()
            let order = try await lab.order(customer.key, serviceCode: verification, instruments: [("Yichuan", "Y-60", "M-1")])
            let id = try order.uuid("items.0.instrumentId")
            let instrument = try await lab.api.get("/v1/instruments/\(id)", token: customer.key)
            #expect(try instrument.string("mandatoryVerificationCategory") == "safety_protection")
            #expect(try await lab.api.get("/v1/instruments?mandatory=true", token: customer.key).array("items").count == 1)
            #expect(try await lab.api.get("/v1/instruments?mandatory=false", token: customer.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/instruments?serialNumber=m-1", token: customer.key).array("items").count == 1)
            let bad = try await lab.api.get("/v1/instruments?mandatory=yes&status=lost&customerId=x", token: lab.adminToken)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.problemFields) == ["mandatory", "status", "customerId"])
        }
    }
}
