import Billing
import Foundation
import LIMSCore
import LIMSTestSupport
import Orders
import Testing

@Suite("Returned items are billed by what happened to them")
struct ReturnedItemBillingTests {
    @Test func anItemReturnedAfterCertificationIsBilledAndOneReturnedAfterRejectionIsNot() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 10_000)
            let customer = try await lab.customer(taxRateBasisPoints: 0)
            let order = try await lab.acceptedOrder(key: customer.key, serviceCodes: [code, code, code])
            let billing = lab.billingStore()
            let orders = lab.orderStore(billing: billing)
            // Item 0 certified and shipped back early, item 1 rejected and shipped back, item 2 certified last.
            try await lab.database.transaction { connection in
                try await orders.markInProgress(orderId: order.id, on: connection, audit: .system)
                for (index, outcome) in [ItemStatus.certified, .rejected].enumerated() {
                    try await orders.transitionItem(id: order.itemIds[index], from: [.awaitingReceipt], to: outcome, action: outcome.rawValue, on: connection, audit: .system)
                    try await orders.transitionItem(id: order.itemIds[index], from: [.certified, .rejected], to: .returned, action: "return", on: connection, audit: .system)
                }
                #expect(try await orders.completeIfFinished(orderId: order.id, on: connection, audit: .system) == false)
                try await orders.transitionItem(id: order.itemIds[2], from: [.awaitingReceipt], to: .certified, action: "certified", on: connection, audit: .system)
                #expect(try await orders.completeIfFinished(orderId: order.id, on: connection, audit: .system))
            }
            let invoice = try #require(try await billing.invoice(orderId: order.id))
            #expect(Set(invoice.lines.map(\.itemId)) == [order.itemIds[0], order.itemIds[2]])
            #expect(invoice.total.amountMinor == 20_000)
        }
    }
}
