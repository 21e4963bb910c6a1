import Accounts
import Billing
import Foundation
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Orders

/// Drives orders to completion the way the lab does, without the certification module: accepted through the
/// API, then items moved to their outcome and the order completed in one transaction through `OrderStore`,
/// whose completion hook issues the invoice.
extension TestLab {
    /// A billing store on the fixture pool; `now` dates the invoices it issues.
    func billingStore(now: @escaping @Sendable () -> Date = { Date() }) -> BillingStore {
        BillingStore(database: database, customers: ModuleWiring.billingCustomers(CustomerStore(database: database)), now: now)
    }

    /// An order store whose completion issues the invoice with `billing`.
    func orderStore(billing: BillingStore) -> OrderStore {
        OrderStore(
            database: database, catalogue: CatalogueStore(database: database), customers: CustomerStore(database: database),
            onCompleted: { connection, order, audit in _ = try await billing.issueInvoice(for: order, on: connection, audit: audit) }
        )
    }

    /// Submits an order with one item per service code and accepts it; returns the order and its items' ids.
    func acceptedOrder(key: String, serviceCodes: [String], priority: String = "standard") async throws -> (id: UUID, itemIds: [UUID]) {
        let submitted = try await api.post("/v1/orders", token: key, json: TestLab.orderBody(serviceCodes: serviceCodes, priority: priority))
        try submitted.expect(.created)
        let id = try submitted.uuid("id")
        try await api.post("/v1/orders/\(id)/accept", token: adminToken).expect(.ok)
        return (id, try serviceCodes.indices.map { try submitted.uuid("items.\($0).id") })
    }

    /// Moves each item to its outcome (`.certified` unless given) and completes the order, in one transaction;
    /// `thenFail` rolls that transaction back after completion (and invoicing) ran.
    @discardableResult
    func complete(
        _ order: (id: UUID, itemIds: [UUID]), outcomes: [ItemStatus]? = nil, billing: BillingStore? = nil, thenFail: Bool = false
    ) async throws -> Invoice? {
        let billing = billing ?? billingStore()
        let orders = orderStore(billing: billing)
        let outcomes = outcomes ?? order.itemIds.map { _ in .certified }
        try await database.transaction { connection in
            try await orders.markInProgress(orderId: order.id, on: connection, audit: .system)
            for (itemId, outcome) in zip(order.itemIds, outcomes) {
                try await orders.transitionItem(
                    id: itemId, from: [.awaitingReceipt], to: outcome, action: outcome.rawValue, on: connection, audit: .system
                )
            }
            try await orders.completeIfFinished(orderId: order.id, on: connection, audit: .system)
            if thenFail { throw ForcedRollback() }
        }
        return try await billing.invoice(orderId: order.id)
    }

    /// Completes a fresh order of `serviceCodes` for the customer with `key` and returns its invoice.
    func invoicedOrder(key: String, serviceCodes: [String], priority: String = "standard", billing: BillingStore? = nil) async throws -> Invoice {
        let order = try await acceptedOrder(key: key, serviceCodes: serviceCodes, priority: priority)
        guard let invoice = try await complete(order, billing: billing) else { throw ForcedRollback() }
        return invoice
    }

    /// A customer with a name that needs quoting in CSV and escaping in HTML, and an API key.
    func customer(named name: String, taxRateBasisPoints: Int = 600) async throws -> (id: UUID, key: String) {
        let code = "Q\(UUID().uuidString.prefix(8))"
        let created = try await api.post(
            "/v1/customers", token: adminToken,
            json: [
                "code": .string(code), "name": .string(name), "address": .string("7 Quay Street\nNingbo"), "taxId": .string("91330200X"),
                "currency": .string("CNY"), "billingEmail": .string("ap@example.test"), "discountBasisPoints": .number(0),
                "taxRateBasisPoints": .number(Double(taxRateBasisPoints)), "paymentTermsDays": .number(30),
            ]
        )
        try created.expect(.created)
        let id = try created.uuid("id")
        let key = try await api.post("/v1/customers/\(id)/api-keys", token: adminToken, json: [:])
        try key.expect(.created)
        return (id, try key.string("key"))
    }

    /// Records a payment as a billing clerk.
    func pay(_ invoiceId: UUID, _ amountMinor: Int64, currency: String = "CNY", token: String) async throws -> APIResponse {
        try await api.post(
            "/v1/invoices/\(invoiceId)/payments", token: token,
            json: [
                "amount": .object(["amountMinor": .number(Double(amountMinor)), "currency": .string(currency)]),
                "receivedOn": .string(DateFormats.formatDay(Date())), "reference": .string("BANK-\(UUID().uuidString.prefix(6))"),
            ]
        )
    }
}

struct ForcedRollback: Error {}

/// The current year as invoice numbers carry it (UTC).
var currentYear: Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .gmt
    return calendar.component(.year, from: Date())
}

extension APIResponse {
    /// The `amountMinor` of the Money at `path`.
    func minor(_ path: String) throws -> Int64 { Int64(try number("\(path).amountMinor")) }
}
