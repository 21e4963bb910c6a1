import Billing
import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Gapless invoice and credit-note numbers")
struct GaplessNumberingTests {
    @Test func concurrentCompletionsAndRolledBackIssuesLeaveNoHoleAndNoDuplicate() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            var orders: [(id: UUID, itemIds: [UUID])] = []
            for _ in 0..<14 { orders.append(try await lab.acceptedOrder(key: customer.key, serviceCodes: [code])) }
            let committing = Array(orders.prefix(10))
            let failing = Array(orders.suffix(4))

            // Ten completions and four that take a number and then roll back, all at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for order in committing {
                    group.addTask { try await lab.complete(order) }
                }
                for order in failing {
                    group.addTask {
                        await #expect(throws: ForcedRollback.self) { try await lab.complete(order, thenFail: true) }
                    }
                }
                try await group.waitForAll()
            }
            let staff = try await lab.api.get("/v1/invoices?limit=500", token: lab.adminToken)
            let numbers = try staff.array("items").compactMap { $0["number"]?.stringValue }
            #expect(numbers.sorted() == (1...10).map { Numbering.format("INV", year: currentYear, value: Int64($0)) })
            for order in failing { #expect(try await lab.billingStore().invoice(orderId: order.id) == nil) }

            // The rolled-back orders, completed for real afterwards, continue the sequence.
            for order in failing { try await lab.complete(order) }
            let all = try await lab.api.get("/v1/invoices?limit=500", token: lab.adminToken)
            let allNumbers = try all.array("items").compactMap { $0["number"]?.stringValue }
            #expect(allNumbers.sorted() == (1...14).map { Numbering.format("INV", year: currentYear, value: Int64($0)) })
        }
    }

    @Test func concurrentCreditNotesAreNumberedWithoutHoles() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let billing = try await lab.staff(["billing"])
            var invoices: [Invoice] = []
            for _ in 0..<6 { invoices.append(try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])) }
            // Each invoice is credited twice at once: exactly one of each pair wins, the other gets 409.
            let statuses = try await withThrowingTaskGroup(of: (UUID, UInt16, String?).self) { group in
                for invoice in invoices + invoices {
                    group.addTask {
                        let response = try await lab.api.post(
                            "/v1/invoices/\(invoice.id)/credit-notes", token: billing.token, json: ["reason": .string("Duplicate order")]
                        )
                        return (invoice.id, UInt16(response.status.code), response.value("number")?.stringValue)
                    }
                }
                return try await group.reduce(into: [(UUID, UInt16, String?)]()) { $0.append($1) }
            }
            for invoice in invoices {
                #expect(statuses.filter { $0.0 == invoice.id }.map(\.1).sorted() == [201, 409])
            }
            #expect(statuses.compactMap(\.2).sorted() == (1...6).map { Numbering.format("CN", year: currentYear, value: Int64($0)) })
        }
    }
}
