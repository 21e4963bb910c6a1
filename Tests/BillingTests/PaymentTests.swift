import Billing
import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Payments, credit notes and overdue invoices")
struct PaymentTests {
    @Test func partialPaymentsThenPaidAndNothingMore() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(discountBasisPoints: 1000, taxRateBasisPoints: 600)
            let clerk = try await lab.staff(["billing"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code, code])

            let first = try await lab.pay(invoice.id, 30_000, token: clerk.token)
            try first.expect(.created)
            #expect(try first.string("status") == "partially_paid")
            #expect(try first.minor("paid") == 30_000)
            #expect(try first.minor("balance") == 36_780)

            let over = try await lab.pay(invoice.id, 36_781, token: clerk.token)
            #expect(over.status == .unprocessableContent)
            #expect(over.problemFields == ["amount.amountMinor"])

            let rest = try await lab.pay(invoice.id, 36_780, token: clerk.token)
            try rest.expect(.created)
            #expect(try rest.string("status") == "paid")
            #expect(try rest.minor("balance") == 0)
            #expect(try rest.array("payments").count == 2)
            #expect(try await lab.pay(invoice.id, 1, token: clerk.token).status == .unprocessableContent)

            #expect(try await lab.api.get("/v1/invoices/\(invoice.id)", token: customer.key).string("status") == "paid")
            let audit = try await lab.api.get("/v1/audit?entity=invoice&entityId=\(invoice.id.uuidString)", token: lab.adminToken)
            let actions = try audit.array("items").compactMap { $0["action"]?.stringValue }
            #expect(actions == ["invoice.issued", "invoice.payment_recorded", "invoice.payment_recorded"])
        }
    }

    @Test func concurrentPaymentsNeverExceedTheBalance() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 10_000)
            let customer = try await lab.customer(taxRateBasisPoints: 0)
            let clerk = try await lab.staff(["billing"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])
            // Five clerks book 30.00 each at once against 100.00: three fit, two would overpay.
            let statuses = try await withThrowingTaskGroup(of: UInt16.self) { group in
                for _ in 0..<5 { group.addTask { UInt16(try await lab.pay(invoice.id, 3_000, token: clerk.token).status.code) } }
                return try await group.reduce(into: [UInt16]()) { $0.append($1) }
            }
            #expect(statuses.sorted() == [201, 201, 201, 422, 422])
            let after = try await lab.api.get("/v1/invoices/\(invoice.id)", token: clerk.token)
            #expect(try after.minor("paid") == 9_000)
            #expect(try after.minor("balance") == 1_000)
        }
    }

    @Test func paymentsAreValidatedAndNeedTheBillingRole() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let clerk = try await lab.staff(["billing"])
            let technician = try await lab.staff(["technician"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])

            let foreign = try await lab.pay(invoice.id, 100, currency: "USD", token: clerk.token)
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.problemFields == ["amount.currency"])
            let empty = try await lab.api.post("/v1/invoices/\(invoice.id)/payments", token: clerk.token, json: [:])
            #expect(Set(empty.problemFields) == ["amount", "receivedOn", "reference"])
            let badDate = try await lab.api.post(
                "/v1/invoices/\(invoice.id)/payments", token: clerk.token,
                json: [
                    "amount": .object(["amountMinor": .number(0), "currency": .string("CNY")]), "receivedOn": .string("2026-02-30"),
                    "reference": .string(" "),
                ]
            )
            #expect(Set(badDate.problemFields) == ["amount.amountMinor", "receivedOn", "reference"])
            #expect(try await lab.pay(invoice.id, 100, token: technician.token).status == .forbidden)
            #expect(try await lab.pay(invoice.id, 100, token: customer.key).status == .forbidden)
            #expect(try await lab.pay(UUID(), 100, token: clerk.token).status == .notFound)
            #expect(try await lab.pay(invoice.id, 100, token: lab.adminToken).status == .created)
        }
    }

    @Test func aCreditNoteCancelsTheInvoiceOnceAndStopsPayments() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(discountBasisPoints: 1000, taxRateBasisPoints: 600)
            let clerk = try await lab.staff(["billing"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code, code])
            try await lab.pay(invoice.id, 10_000, token: clerk.token).expect(.created)

            let path = "/v1/invoices/\(invoice.id)/credit-notes"
            #expect(try await lab.api.post(path, token: clerk.token, json: [:]).problemFields == ["reason"])
            #expect(try await lab.api.post(path, token: customer.key, json: ["reason": .string("x")]).status == .forbidden)
            let note = try await lab.api.post(path, token: clerk.token, json: ["reason": .string("Instruments were the customer's spares")])
            try note.expect(.created)
            #expect(try note.string("number") == "CN-\(currentYear)-000001")
            #expect(try note.string("invoiceNumber") == invoice.number)
            #expect(try note.minor("total") == -66_780)
            #expect(try note.minor("tax") == -3_780)

            let credited = try await lab.api.get("/v1/invoices/\(invoice.id)", token: customer.key)
            #expect(try credited.string("status") == "credited")
            #expect(try credited.string("creditNote.number") == "CN-\(currentYear)-000001")
            #expect(try credited.minor("balance") == -10_000)

            let again = try await lab.api.post(path, token: clerk.token, json: ["reason": .string("Again")])
            #expect(again.status == .conflict)
            #expect(try again.string("currentState") == "credited")
            let payment = try await lab.pay(invoice.id, 100, token: clerk.token)
            #expect(payment.status == .conflict)

            let document = try await lab.api.get("/v1/credit-notes/\(try note.string("id"))", token: customer.key, headers: [.accept: "text/plain"])
            try document.expect(.ok)
            #expect(document.text.contains("Credit note CN-\(currentYear)-000001"))
            #expect(document.text.contains(invoice.number))
            #expect(document.text.contains("-667.80 CNY"))
            let audit = try await lab.api.get("/v1/audit?entity=credit_note&entityId=\(try note.string("id"))", token: lab.adminToken)
            #expect(try audit.array("items").compactMap { $0["action"]?.stringValue } == ["credit_note.issued"])
        }
    }

    @Test func statusIsDerivedFromPaymentsCreditAndTheDueDate() {
        func status(paid: Int64, credited: Bool = false, dueOn: String, today: String = "2026-03-10") -> InvoiceStatus {
            InvoiceStatus.derive(totalMinor: 1_000, paidMinor: paid, credited: credited, dueOn: dueOn, today: today)
        }
        #expect(status(paid: 0, dueOn: "2026-03-10") == .issued)  // due today: not yet overdue
        #expect(status(paid: 0, dueOn: "2026-03-09") == .overdue)
        #expect(status(paid: 400, dueOn: "2026-03-10") == .partiallyPaid)
        #expect(status(paid: 400, dueOn: "2026-02-28") == .overdue)
        #expect(status(paid: 1_000, dueOn: "2026-02-28") == .paid)
        #expect(status(paid: 0, credited: true, dueOn: "2026-02-28") == .credited)
        #expect(status(paid: 0, dueOn: "2025-12-31", today: "2026-01-01") == .overdue)
    }

    @Test func anUnpaidInvoiceReadsOverdueOnlyAfterItsDueDate() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 10_000)
            let customer = try await lab.customer(taxRateBasisPoints: 0, paymentTermsDays: 0)
            let clerk = try await lab.staff(["billing"])
            let dueToday = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])
            let today = try await lab.api.get("/v1/invoices/\(dueToday.id)", token: customer.key)
            #expect(try today.string("dueOn") == DateFormats.formatDay(Date()))
            #expect(try today.string("status") == "issued")

            // Issued ten days ago with no payment terms: due ten days ago.
            let tenDaysAgo = lab.billingStore(now: { Date().addingTimeInterval(-10 * 86_400) })
            let late = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code], billing: tenDaysAgo)
            let overdue = try await lab.api.get("/v1/invoices/\(late.id)", token: customer.key)
            #expect(try overdue.string("status") == "overdue")
            let listed = try await lab.api.get("/v1/invoices?status=overdue", token: customer.key)
            #expect(try listed.array("items").compactMap { $0["id"]?.stringValue } == [late.id.uuidString])
            let issued = try await lab.api.get("/v1/invoices?status=issued", token: clerk.token)
            #expect(try issued.array("items").compactMap { $0["id"]?.stringValue } == [dueToday.id.uuidString])

            let partly = try await lab.pay(late.id, 4_000, token: clerk.token)
            #expect(try partly.string("status") == "overdue")
            let paid = try await lab.pay(late.id, 6_000, token: clerk.token)
            #expect(try paid.string("status") == "paid")
            #expect(try await lab.api.get("/v1/invoices?status=overdue", token: customer.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/invoices?status=paid", token: customer.key).array("items").count == 1)
            #expect(try await lab.api.get("/v1/invoices?status=late", token: customer.key).problemFields == ["status"])
        }
    }
}
