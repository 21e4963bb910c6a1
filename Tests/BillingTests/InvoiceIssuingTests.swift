import Billing
import Foundation
import LIMSCore
import LIMSTestSupport
import Orders
import PostgresNIO
import Testing

@Suite("Issuing invoices from frozen quotes")
struct InvoiceIssuingTests {
    @Test func workedExampleTwoItemsTenPercentDiscountSixPercentTax() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(discountBasisPoints: 1000, taxRateBasisPoints: 600)
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code, code])
            let response = try await lab.api.get("/v1/invoices/\(invoice.id)", token: customer.key)
            try response.expect(.ok)
            #expect(try response.string("number") == "INV-\(currentYear)-000001")
            #expect(try response.array("lines").count == 2)
            #expect(try response.minor("lines.0.unitPrice") == 35_000)
            #expect(try response.minor("subtotal") == 70_000)
            #expect(try response.minor("discount") == 7_000)
            #expect(try response.minor("surcharge") == 0)
            #expect(try response.minor("tax") == 3_780)
            #expect(try response.minor("total") == 66_780)
            #expect(try response.string("total.currency") == "CNY")
            #expect(try response.minor("paid") == 0)
            #expect(try response.minor("balance") == 66_780)
            #expect(try response.string("status") == "issued")
            #expect(try response.string("orderId") == invoice.orderId.uuidString)
            #expect(try response.string("orderNumber").hasPrefix("ORD-"))
            #expect(response.value("creditNote") == nil)
            let issued = try #require(DateFormats.parseDay(try response.string("issuedOn")))
            #expect(try response.string("dueOn") == DateFormats.formatDay(issued.addingTimeInterval(30 * 86_400)))

            let events = try await lab.api.get("/v1/events", token: customer.key).array("items")
            let issuedEvent = try #require(events.first { $0["type"]?.stringValue == "invoice.issued" })
            #expect(issuedEvent["subjectId"]?.stringValue == invoice.id.uuidString)
            let audit = try await lab.api.get("/v1/audit?entity=invoice&entityId=\(invoice.id.uuidString)", token: lab.adminToken)
            #expect(try audit.array("items").compactMap { $0["action"]?.stringValue } == ["invoice.issued"])
        }
    }

    @Test func taxOfExactlyHalfAMinorUnitRoundsToEven() async throws {
        try await TestLab.run { lab in
            // 12.50 at 5 % is 0.625: 62.5 fen rounds to 62; 12.70 at 5 % is 63.5 fen and rounds to 64.
            let down = try await lab.service(priceMinor: 1_250)
            let up = try await lab.service(priceMinor: 1_270)
            let customer = try await lab.customer(taxRateBasisPoints: 500)
            let first = try await lab.invoicedOrder(key: customer.key, serviceCodes: [down])
            #expect(first.tax.amountMinor == 62)
            #expect(first.total.amountMinor == 1_312)
            let second = try await lab.invoicedOrder(key: customer.key, serviceCodes: [up])
            #expect(second.tax.amountMinor == 64)
            #expect(second.total.amountMinor == 1_334)
        }
    }

    @Test func rejectedItemsAreNotInvoicedAndAnAllRejectedOrderGetsNoInvoice() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(discountBasisPoints: 1000, taxRateBasisPoints: 600)
            let order = try await lab.acceptedOrder(key: customer.key, serviceCodes: [code, code, code])
            let invoice = try #require(try await lab.complete(order, outcomes: [.certified, .rejected, .certified]))
            #expect(invoice.lines.map(\.itemId) == [order.itemIds[0], order.itemIds[2]])
            #expect(invoice.total.amountMinor == 66_780)

            let rejected = try await lab.acceptedOrder(key: customer.key, serviceCodes: [code])
            #expect(try await lab.complete(rejected, outcomes: [.rejected]) == nil)
            let order2 = try await lab.api.get("/v1/orders/\(rejected.id)", token: customer.key)
            #expect(try order2.string("status") == "completed")
            // No number was spent on it: the next invoice is the second of the year.
            let next = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])
            #expect(next.number == "INV-\(currentYear)-000002")
        }
    }

    @Test func expeditedOrdersCarryTheSurchargePerLineAndAgreeWithTheirQuote() async throws {
        try await TestLab.run { lab in
            let half = try await lab.service(priceMinor: 35_000, expediteSurchargeBasisPoints: 5000)
            let quarter = try await lab.service(priceMinor: 20_000, expediteSurchargeBasisPoints: 2500)
            let customer = try await lab.customer(discountBasisPoints: 1000, taxRateBasisPoints: 600)
            let order = try await lab.acceptedOrder(key: customer.key, serviceCodes: [half, quarter], priority: "expedited")
            let quote = try await lab.api.get("/v1/orders/\(order.id)", token: customer.key)
            let invoice = try #require(try await lab.complete(order))
            // subtotal 550.00, discount 55.00, surcharge 175.00 + 50.00, tax 6 % of 720.00 = 43.20.
            #expect(invoice.lines.map(\.surcharge.amountMinor) == [17_500, 5_000])
            #expect(invoice.surcharge.amountMinor == 22_500)
            #expect(invoice.tax.amountMinor == 4_320)
            #expect(invoice.total.amountMinor == 76_320)
            #expect(invoice.expedited)
            #expect(try quote.minor("quote.total") == invoice.total.amountMinor)
            #expect(try quote.minor("quote.surcharge") == invoice.surcharge.amountMinor)

            let standard = try await lab.invoicedOrder(key: customer.key, serviceCodes: [half])
            #expect(standard.surcharge.amountMinor == 0)
            #expect(standard.lines[0].surcharge.amountMinor == 0)
        }
    }

    @Test func completionTriggeredTwiceConcurrentlyIssuesOneInvoice() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let order = try await lab.acceptedOrder(key: customer.key, serviceCodes: [code, code])
            let billing = lab.billingStore()
            let orders = lab.orderStore(billing: billing)
            try await lab.database.transaction { connection in
                try await orders.markInProgress(orderId: order.id, on: connection, audit: .system)
                for id in order.itemIds {
                    try await orders.transitionItem(
                        id: id, from: [.awaitingReceipt], to: .certified, action: "certified", on: connection, audit: .system
                    )
                }
            }
            let completions = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await lab.database.transaction { connection in
                            try await orders.completeIfFinished(orderId: order.id, on: connection, audit: .system)
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(completions.filter { $0 }.count == 1)

            // Calling the billing hook itself again, concurrently, is a no-op that answers the first invoice.
            guard let completed = try await lab.database.connection({ try await orders.order(id: order.id, on: $0) }) else {
                throw ForcedRollback()
            }
            let again = try await withThrowingTaskGroup(of: Invoice?.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await lab.database.transaction { connection in
                            try await billing.issueInvoice(for: completed, on: connection, audit: .system)
                        }
                    }
                }
                return try await group.reduce(into: [Invoice?]()) { $0.append($1) }
            }
            #expect(Set(again.compactMap { $0?.number }) == ["INV-\(currentYear)-000001"])
            let rows = try await lab.database.client.query("SELECT count(*) FROM invoices WHERE order_id = \(order.id)", logger: lab.database.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
            let counter = try await lab.database.client.query(
                "SELECT last_value FROM gapless_counters WHERE prefix = 'INV'", logger: lab.database.logger
            )
            for try await value in counter.decode(Int64.self) { #expect(value == 1) }
        }
    }

    @Test func issuedInvoicesLinesAndCreditNotesCannotBeChangedInTheDatabase() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let billing = try await lab.staff(["billing"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])
            try await lab.pay(invoice.id, 100, token: billing.token).expect(.created)
            let credit = try await lab.api.post("/v1/invoices/\(invoice.id)/credit-notes", token: billing.token, json: ["reason": .string("Wrong")])
            try credit.expect(.created)
            let client = lab.database.client
            let logger = lab.database.logger
            await #expect(throws: PSQLError.self) {
                try await client.query(
                    "UPDATE invoices SET total_minor = 1, subtotal_minor = 1, tax_minor = 0, discount_minor = 0, surcharge_minor = 0 WHERE id = \(invoice.id)",
                    logger: logger
                )
            }
            await #expect(throws: PSQLError.self) {
                try await client.query("UPDATE invoices SET due_on = due_on + 30 WHERE id = \(invoice.id)", logger: logger)
            }
            await #expect(throws: PSQLError.self) { try await client.query("DELETE FROM invoices WHERE id = \(invoice.id)", logger: logger) }
            await #expect(throws: PSQLError.self) {
                try await client.query("UPDATE invoice_lines SET unit_price_minor = 0 WHERE invoice_id = \(invoice.id)", logger: logger)
            }
            await #expect(throws: PSQLError.self) { try await client.query("UPDATE credit_notes SET reason = 'x'", logger: logger) }
            await #expect(throws: PSQLError.self) { try await client.query("DELETE FROM invoice_payments", logger: logger) }
            let unchanged = try await lab.api.get("/v1/invoices/\(invoice.id)", token: customer.key)
            #expect(try unchanged.minor("total") == invoice.total.amountMinor)
        }
    }
}
