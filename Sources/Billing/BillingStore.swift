import Foundation
import LIMSCore
import Logging
import Orders
import PostgresNIO

/// Invoices, credit notes and payments. Owns `invoices`, `invoice_lines`, `credit_notes` and `invoice_payments`.
///
/// An invoice is issued once per order, inside the transaction that completes the order, from the prices
/// frozen on the order's quote. Invoice and credit-note numbers are gapless per year (`Numbering.gapless`).
public struct BillingStore: Sendable {
    let database: Database
    let customers: CustomerLookup
    /// The clock that dates invoices and decides what is overdue; tests move it.
    let now: @Sendable () -> Date

    public init(database: Database, customers: @escaping CustomerLookup, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.customers = customers
        self.now = now
    }

    var logger: Logger { database.logger }

    /// Today's date in UTC, `YYYY-MM-DD`, by this store's clock.
    var today: String { DateFormats.formatDay(now()) }

    // MARK: Issuing

    /// Issues the invoice of a just-completed `order` on `connection` (the completing transaction): one line per
    /// certified item at its quoted price, the quote's discount, expedite surcharge and tax rates, due after the
    /// customer's payment terms. Returns the order's invoice; a repeated call issues nothing and returns the
    /// first one; an order with no certified item gets no invoice (`nil`).
    @discardableResult
    public func issueInvoice(for order: Order, on connection: PostgresConnection, audit: AuditContext) async throws -> Invoice? {
        // Issuers of one order queue on its row; whoever comes second then sees the first one's invoice.
        try await OrderStore.lockOrder(id: order.id, on: connection, logger: logger)
        if let existing = try await invoiceId(orderId: order.id, on: connection) {
            return try await invoice(id: existing, on: connection)
        }
        let billable = billableItemIds(order)
        let lines = order.quote.lines.filter { billable.contains($0.itemId) }
        guard !lines.isEmpty else { return nil }
        guard let customer = try await customers(order.customerId, connection) else { throw Problem.notFound("Customer") }

        let quote = order.quote
        let amounts = Quote.amounts(
            linePrices: lines.map { ($0.unitPrice.amountMinor, $0.expediteSurchargeBasisPoints) },
            discountBasisPoints: quote.discountBasisPoints, taxRateBasisPoints: quote.taxRateBasisPoints, expedited: quote.expedited
        )
        let issuedAt = now()
        let issuedOn = DateFormats.formatDay(issuedAt)
        let dueOn = DateFormats.formatDay(issuedAt.addingTimeInterval(Double(customer.paymentTermsDays) * 86_400))
        // Taken last, just before the insert: the counter row stays locked until this transaction ends.
        let number = try await Numbering.gapless("INV", on: connection, logger: logger)
        let rows = try await connection.query(
            """
            INSERT INTO invoices (number, order_id, order_number, customer_reference, customer_id, customer_code, customer_name,
                                  customer_address, customer_tax_id, currency, issued_on, due_on, discount_basis_points,
                                  tax_rate_basis_points, expedited, subtotal_minor, discount_minor, surcharge_minor, tax_minor, total_minor,
                                  document_language)
            VALUES (\(number), \(order.id), \(order.number), \(order.customerReference), \(customer.id), \(customer.code), \(customer.name),
                    \(customer.address), \(customer.taxId), \(quote.currency), \(issuedOn)::date, \(dueOn)::date, \(quote.discountBasisPoints),
                    \(quote.taxRateBasisPoints), \(quote.expedited), \(amounts.subtotal), \(amounts.discount), \(amounts.surcharge),
                    \(amounts.tax), \(amounts.total), \(customer.documentLanguage))
            RETURNING id
            """,
            logger: logger
        )
        var invoiceId: UUID?
        for try await id in rows.decode(UUID.self) { invoiceId = id }
        guard let invoiceId else { throw Problem(status: .internalServerError, detail: "The invoice was not stored.") }
        for (index, line) in lines.enumerated() {
            let surcharge = quote.expedited ? Money.basisPoints(line.expediteSurchargeBasisPoints, of: line.unitPrice.amountMinor) : 0
            try await connection.query(
                """
                INSERT INTO invoice_lines (invoice_id, line_number, item_id, service_code, description, unit_price_minor,
                                           expedite_surcharge_basis_points, surcharge_minor)
                VALUES (\(invoiceId), \(index + 1), \(line.itemId), \(line.serviceCode), \(line.description), \(line.unitPrice.amountMinor),
                        \(line.expediteSurchargeBasisPoints), \(surcharge))
                """,
                logger: logger
            )
        }
        guard let invoice = try await invoice(id: invoiceId, on: connection) else { throw Problem.notFound("Invoice") }
        try await AuditLog.record(
            on: connection, audit, action: "invoice.issued", entity: "invoice", entityId: invoiceId.uuidString, after: invoice, logger: logger
        )
        try await CustomerEventLog.append(
            on: connection, customerId: invoice.customerId, type: "invoice.issued", subjectId: invoiceId,
            data: IssuedEvent(invoiceId: invoiceId, number: number, orderId: order.id, orderNumber: order.number, total: invoice.total, dueOn: dueOn),
            logger: logger
        )
        return invoice
    }

    struct IssuedEvent: Encodable, Sendable {
        var invoiceId: UUID
        var number: String
        var orderId: UUID
        var orderNumber: String
        var total: Money
        var dueOn: String
    }

    /// The items of `order` whose work was certified, including those returned since.
    func billableItemIds(_ order: Order) -> Set<UUID> {
        Set(order.items.filter { $0.certifiedAt != nil }.map(\.id))
    }

    func invoiceId(orderId: UUID, on connection: PostgresConnection) async throws -> UUID? {
        let rows = try await connection.query("SELECT id FROM invoices WHERE order_id = \(orderId)", logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }
}
