import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@Suite("Order intake")
struct OrderIntakeTests {
    @Test func submissionQuotesInTheCustomersCurrencyAndNumbersTheOrder() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(discountBasisPoints: 1000, taxRateBasisPoints: 600)
            let response = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code, code]))
            try response.expect(.created)
            #expect(try response.string("status") == "submitted")
            let number = try response.string("number")
            #expect(number.range(of: #"^ORD-\d{4}-\d{6}$"#, options: .regularExpression) != nil)
            #expect(try response.number("quote.total.amountMinor") == 66_780)
            #expect(try response.string("quote.total.currency") == "CNY")
            #expect(try response.array("items").count == 2)
            #expect(try response.string("items.0.status") == "awaiting_receipt")
        }
    }

    @Test func validationNamesEveryBadFieldByItsPath() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let eur = try await lab.service(currency: "EUR")
            let customer = try await lab.customer()
            let body: [String: JSONValue] = [
                "priority": .string("urgent"),
                "items": .array([
                    .object(["serviceCode": .string("NO-SUCH"), "instrument": .object(["manufacturer": .string("A"), "model": .string("B"), "serialNumber": .string("C")])]),
                    .object(["serviceCode": .string(code), "instrument": .object(["manufacturer": .string("A")])]),
                    .object(["serviceCode": .string(eur), "instrument": .object(["manufacturer": .string("A"), "model": .string("B"), "serialNumber": .string("C")])]),
                    .object(["serviceCode": .string(code)]),
                ]),
            ]
            let response = try await lab.api.post("/v1/orders", token: customer.key, json: body)
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.problemFields) == [
                "customerReference", "priority", "items[0].serviceCode", "items[1].instrument.model", "items[1].instrument.serialNumber",
                "items[2].serviceCode", "items[3].instrument",
            ])
            let empty = try await lab.api.post("/v1/orders", token: customer.key, json: ["customerReference": .string("x"), "priority": .string("standard"), "items": .array([])])
            #expect(empty.problemFields == ["items"])
            let tooMany = TestLab.orderBody(serviceCodes: Array(repeating: code, count: 201))
            #expect(try await lab.api.post("/v1/orders", token: customer.key, json: tooMany).problemFields == ["items"])
            let orders = try await lab.api.get("/v1/orders", token: customer.key)
            #expect(try orders.array("items").isEmpty)  // nothing half-written
        }
    }

    @Test func ordersKeepTheirQuotedPriceAfterAPriceChange() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 10_000)
            let customer = try await lab.customer(taxRateBasisPoints: 0)
            let first = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
            let changed = try await lab.api.put(
                "/v1/services/\(code)/price", token: lab.adminToken, json: ["price": .object(["amountMinor": .number(12_000), "currency": .string("CNY")])]
            )
            try changed.expect(.ok)
            let second = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
            let reread = try await lab.api.get("/v1/orders/\(try first.string("id"))", token: customer.key)
            #expect(try reread.number("quote.total.amountMinor") == 10_000)
            #expect(try second.number("quote.total.amountMinor") == 12_000)
            let detail = try await lab.api.get("/v1/services/\(code)", token: lab.adminToken)
            #expect(try detail.array("priceHistory").count == 2)
        }
    }

    @Test func ordersNumbersAreUniqueUnderConcurrency() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let response = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code], reference: "PO-\(index)"))
                        try response.expect(.created)
                        return try response.string("number")
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(numbers).count == 12)
        }
    }

    @Test func submissionAnswersWhatTheOrderReadsBackAsAndWhatTheAuditRecords() async throws {
        try await TestLab.run { lab in
            let first = try await lab.service(priceMinor: 35_000)
            let second = try await lab.service(priceMinor: 12_500)
            let customer = try await lab.customer(discountBasisPoints: 500)
            let body: [String: JSONValue] = [
                "customerReference": .string("PO-77"), "priority": .string("expedited"), "returnAddress": .string("2 Factory Road"),
                "items": .array([
                    .object([
                        "serviceCode": .string(first), "notes": .string("handle with care"),
                        "instrument": .object([
                            "manufacturer": .string("Acme"), "model": .string("PG-100"), "serialNumber": .string("SN-1"),
                            "assetTag": .string(""), "description": .string("Bourdon gauge"),
                        ]),
                    ]),
                    .object([
                        "serviceCode": .string(second),
                        "instrument": .object(["manufacturer": .string("Acme"), "model": .string("PT-7"), "serialNumber": .string("SN-2")]),
                    ]),
                ]),
            ]
            let submitted = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "read-back"])
            try submitted.expect(.created)
            let id = try submitted.string("id")
            let reread = try await lab.api.get("/v1/orders/\(id)", token: customer.key)
            try reread.expect(.ok)
            #expect(submitted.json == reread.json)
            #expect(try submitted.string("items.0.instrument.assetTag") == "")  // empty, not absent
            #expect(submitted.value("items.1.instrument.assetTag") == nil)
            #expect(submitted.value("items.1.notes") == nil)
            #expect(try submitted.number("items.1.lineNumber") == 2)
            let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(id)&action=order.submitted", token: lab.adminToken)
            try audit.expect(.ok)
            #expect(audit.value("items.0.after") == submitted.json)
        }
    }

    @Test func orderNumbersFormattedInSQLMatchNumberingFormat() async throws {
        try await TestLab.run { lab in
            let expression = Numbering.sequentialSQL("ORD", year: "year", value: "value")
            for value: Int64 in [1, 42, 999_999, 1_000_000, 12_345_678] {
                let rows = try await lab.database.client.query(
                    "SELECT \(unescaped: expression) FROM (SELECT 2026 AS year, \(value)::bigint AS value) n", logger: lab.database.logger
                )
                var formatted: String?
                for try await text in rows.decode(String.self) { formatted = text }
                #expect(formatted == Numbering.format("ORD", year: 2026, value: value))
            }
        }
    }
}
