import Foundation
import LIMSCore
import PostgresNIO

extension BillingStore {
    /// An invoice as `scope` may see it: another customer's invoice is indistinguishable from a missing one.
    public func invoice(id: UUID, scope: UUID?) async throws -> Invoice {
        let invoice = try await database.connection { connection in try await self.invoice(id: id, on: connection) }
        guard let invoice, scope == nil || invoice.customerId == scope else { throw Problem.notFound("Invoice") }
        return invoice
    }

    /// The invoice of an order, if one was issued.
    public func invoice(orderId: UUID) async throws -> Invoice? {
        try await database.connection { connection in
            guard let id = try await invoiceId(orderId: orderId, on: connection) else { return nil }
            return try await invoice(id: id, on: connection)
        }
    }

    public func invoice(id: UUID, on connection: PostgresConnection) async throws -> Invoice? {
        let rows = try await connection.query("\(unescaped: Self.invoiceSelect) WHERE i.id = \(id)", logger: logger)
        return try await invoices(rows, on: connection).first?.invoice
    }

    /// Newest first, a customer's own only; filtered by the derived status and, for staff, by customer.
    public func list(scope: UUID?, status: InvoiceStatus?, customerId: UUID?, page: PageRequest) async throws -> Page<Invoice> {
        let before = try page.cursorValue() ?? Int64.max
        let owner = scope ?? customerId
        return try await database.connection { connection in
            let rows = try await connection.query(
                """
                \(unescaped: Self.invoiceSelect)
                CROSS JOIN (SELECT \(today)::date AS day) t
                WHERE i.seq < \(before) AND (\(owner)::uuid IS NULL OR i.customer_id = \(owner))
                  AND (\(status?.rawValue)::text IS NULL OR \(unescaped: InvoiceStatus.sqlCase) = \(status?.rawValue))
                ORDER BY i.seq DESC LIMIT \(page.limit + 1)
                """,
                logger: logger
            )
            let found = try await invoices(rows, on: connection)
            return Page(fetched: found, limit: page.limit) { $0.seq }.map(\.invoice)
        }
    }

    /// A credit note as `scope` may see it (another customer's is 404).
    public func creditNote(id: UUID, scope: UUID?) async throws -> CreditNote {
        let note = try await database.connection { connection in try await creditNotes(ids: [id], on: connection).first }
        guard let note, scope == nil || note.customerId == scope else { throw Problem.notFound("Credit note") }
        return note
    }

    /// Every invoice and credit note issued from `from` to `to` (inclusive, `YYYY-MM-DD`), oldest first.
    public func issued(from: String, to: String) async throws -> (invoices: [Invoice], creditNotes: [CreditNote]) {
        try await database.connection { connection in
            let rows = try await connection.query(
                "\(unescaped: Self.invoiceSelect) WHERE i.issued_on BETWEEN \(from)::date AND \(to)::date ORDER BY i.seq", logger: logger
            )
            let invoices = try await invoices(rows, on: connection).map(\.invoice)
            let noteRows = try await connection.query(
                "SELECT c.id FROM credit_notes c WHERE c.issued_on BETWEEN \(from)::date AND \(to)::date", logger: logger
            )
            var noteIds: [UUID] = []
            for try await id in noteRows.decode(UUID.self) { noteIds.append(id) }
            let notes = try await creditNotes(ids: noteIds, on: connection)
            return (invoices, notes)
        }
    }

    // MARK: Decoding

    static let invoiceSelect = """
        SELECT i.id, i.number, i.order_id, i.order_number, i.customer_reference, i.customer_id, i.customer_code, i.customer_name,
               i.customer_address, i.customer_tax_id, i.currency::text, i.issued_on::text, i.due_on::text, i.issued_at,
               i.discount_basis_points, i.tax_rate_basis_points, i.expedited, i.subtotal_minor, i.discount_minor, i.surcharge_minor,
               i.tax_minor, i.total_minor, p.paid, c.id, c.number, c.issued_on::text, c.reason, i.seq, i.document_language
        FROM invoices i
        LEFT JOIN credit_notes c ON c.invoice_id = i.id
        CROSS JOIN LATERAL (SELECT COALESCE(sum(amount_minor), 0)::bigint AS paid FROM invoice_payments WHERE invoice_id = i.id) p
        """

    /// Decodes rows of `invoiceSelect` and loads their lines and payments.
    func invoices(_ rows: PostgresRowSequence, on connection: PostgresConnection) async throws -> [(invoice: Invoice, seq: Int64)] {
        let today = self.today
        var found: [(invoice: Invoice, seq: Int64)] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            func value<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T { try cells[index].decode(T.self) }
            let currency: String = try value(10)
            func money(_ index: Int) throws -> Money { Money(amountMinor: try value(index), currency: currency) }
            let total = try money(21)
            let paid = try money(22)
            let creditNote: CreditNote.Summary? = try value(23, UUID?.self).map { id in
                CreditNote.Summary(id: id, number: try value(24), issuedOn: try value(25), reason: try value(26))
            }
            let dueOn: String = try value(12)
            let balance = creditNote == nil ? total.amountMinor - paid.amountMinor : -paid.amountMinor
            let invoice = Invoice(
                id: try value(0), number: try value(1), orderId: try value(2), orderNumber: try value(3), customerReference: try value(4),
                customerId: try value(5),
                customer: Invoice.BilledCustomer(
                    code: try value(6), name: try value(7), address: try value(8), taxId: try value(9), documentLanguage: try value(28)
                ),
                status: InvoiceStatus.derive(
                    totalMinor: total.amountMinor, paidMinor: paid.amountMinor, credited: creditNote != nil, dueOn: dueOn, today: today
                ),
                currency: currency, issuedOn: try value(11), dueOn: dueOn, issuedAt: try value(13), discountBasisPoints: try value(14),
                taxRateBasisPoints: try value(15), expedited: try value(16), lines: [], subtotal: try money(17), discount: try money(18),
                surcharge: try money(19), tax: try money(20), total: total, paid: paid, balance: Money(amountMinor: balance, currency: currency),
                payments: [], creditNote: creditNote
            )
            found.append((invoice, try value(27)))
        }
        let ids = found.map(\.invoice.id)
        guard !ids.isEmpty else { return [] }
        let lines = try await lines(invoiceIds: ids, on: connection)
        let payments = try await payments(invoiceIds: ids, on: connection)
        for index in found.indices {
            let id = found[index].invoice.id
            let currency = found[index].invoice.currency
            found[index].invoice.lines = (lines[id] ?? []).map { line in
                Invoice.Line(
                    itemId: line.itemId, serviceCode: line.serviceCode, description: line.description,
                    unitPrice: Money(amountMinor: line.unitPriceMinor, currency: currency), expediteSurchargeBasisPoints: line.surchargeBasisPoints,
                    surcharge: Money(amountMinor: line.surchargeMinor, currency: currency)
                )
            }
            found[index].invoice.payments = payments[id] ?? []
        }
        return found
    }

    struct StoredLine {
        var itemId: UUID
        var serviceCode: String
        var description: String
        var unitPriceMinor: Int64
        var surchargeBasisPoints: Int
        var surchargeMinor: Int64
    }

    func lines(invoiceIds: [UUID], on connection: PostgresConnection) async throws -> [UUID: [StoredLine]] {
        let rows = try await connection.query(
            """
            SELECT invoice_id, item_id, service_code, description, unit_price_minor, expedite_surcharge_basis_points, surcharge_minor
            FROM invoice_lines WHERE invoice_id = ANY(\(invoiceIds)) ORDER BY invoice_id, line_number
            """,
            logger: logger
        )
        var lines: [UUID: [StoredLine]] = [:]
        for try await row in rows.decode((UUID, UUID, String, String, Int64, Int, Int64).self) {
            lines[row.0, default: []].append(
                StoredLine(
                    itemId: row.1, serviceCode: row.2, description: row.3, unitPriceMinor: row.4, surchargeBasisPoints: row.5, surchargeMinor: row.6
                )
            )
        }
        return lines
    }

    func payments(invoiceIds: [UUID], on connection: PostgresConnection) async throws -> [UUID: [Payment]] {
        let rows = try await connection.query(
            """
            SELECT invoice_id, id, amount_minor, currency::text, received_on::text, reference, recorded_at
            FROM invoice_payments WHERE invoice_id = ANY(\(invoiceIds)) ORDER BY seq
            """,
            logger: logger
        )
        var payments: [UUID: [Payment]] = [:]
        for try await row in rows.decode((UUID, UUID, Int64, String, String, String, Date).self) {
            payments[row.0, default: []].append(
                Payment(id: row.1, amount: Money(amountMinor: row.2, currency: row.3), receivedOn: row.4, reference: row.5, recordedAt: row.6)
            )
        }
        return payments
    }

    /// Credit notes by id, oldest first, with the amounts of the invoices they cancel.
    func creditNotes(ids: [UUID], on connection: PostgresConnection) async throws -> [CreditNote] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT id, number, reason, issued_on::text, issued_at, invoice_id FROM credit_notes WHERE id = ANY(\(ids)) ORDER BY seq",
            logger: logger
        )
        var stored: [(id: UUID, number: String, reason: String, issuedOn: String, issuedAt: Date, invoiceId: UUID)] = []
        for try await row in rows.decode((UUID, String, String, String, Date, UUID).self) { stored.append(row) }
        guard !stored.isEmpty else { return [] }
        let invoiceRows = try await connection.query(
            "\(unescaped: Self.invoiceSelect) WHERE i.id = ANY(\(stored.map(\.invoiceId)))", logger: logger
        )
        let invoices = Dictionary(uniqueKeysWithValues: try await invoices(invoiceRows, on: connection).map { ($0.invoice.id, $0.invoice) })
        return stored.compactMap { note in
            invoices[note.invoiceId].map {
                CreditNote(id: note.id, number: note.number, reason: note.reason, issuedOn: note.issuedOn, issuedAt: note.issuedAt, cancelling: $0)
            }
        }
    }
}
