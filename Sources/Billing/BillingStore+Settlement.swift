import Foundation
import LIMSCore
import PostgresNIO

extension BillingStore {
    /// A payment as the billing clerk enters it: `{amount: Money, receivedOn: "YYYY-MM-DD", reference}`.
    public struct NewPayment: Decodable, Sendable {
        public var amount: Money?
        public var receivedOn: String?
        public var reference: String?

        public init(amount: Money?, receivedOn: String?, reference: String?) {
            self.amount = amount
            self.receivedOn = receivedOn
            self.reference = reference
        }
    }

    /// Records a payment against an invoice and returns the invoice as it now reads. 422 for a payment in another
    /// currency or larger than the open balance; 409 once the invoice was credited.
    public func recordPayment(_ input: NewPayment, invoiceId: UUID, audit: AuditContext) async throws -> Invoice {
        var validator = Validator()
        validator.add(contentsOf: Money.issues(input.amount, field: "amount", allowZero: false))
        if let receivedOn = input.receivedOn {
            validator.check(DateFormats.parseDay(receivedOn) != nil, "receivedOn", "must be a date, YYYY-MM-DD")
        } else {
            validator.add("receivedOn", "is required")
        }
        let reference = validator.requireText(input.reference, "reference", maxLength: 200)
        try validator.finish()
        guard let amount = input.amount, let receivedOn = input.receivedOn else { throw Problem.validation(validator.issues) }

        return try await database.transaction { connection in
            // Payments and credit notes of one invoice queue on its row, so the balance checked is the balance booked.
            guard let before = try await lockedInvoice(id: invoiceId, on: connection) else { throw Problem.notFound("Invoice") }
            if before.status == .credited {
                throw Problem.illegalTransition("invoice", from: before.status.rawValue, action: "record a payment on")
            }
            if amount.currency != before.currency {
                throw Problem.invalid("amount.currency", "must be \(before.currency), the currency of the invoice")
            }
            if amount.amountMinor > before.balance.amountMinor {
                throw Problem.invalid("amount.amountMinor", "exceeds the open balance of \(before.balance.formatted)")
            }
            let rows = try await connection.query(
                """
                INSERT INTO invoice_payments (invoice_id, amount_minor, currency, received_on, reference, recorded_by)
                VALUES (\(invoiceId), \(amount.amountMinor), \(amount.currency), \(receivedOn)::date, \(reference), \(audit.actor.id))
                RETURNING id
                """,
                logger: logger
            )
            var paymentId: UUID?
            for try await id in rows.decode(UUID.self) { paymentId = id }
            guard let after = try await invoice(id: invoiceId, on: connection) else { throw Problem.notFound("Invoice") }
            try await AuditLog.record(
                on: connection, audit, action: "invoice.payment_recorded", entity: "invoice", entityId: invoiceId.uuidString,
                before: Settlement(status: before.status, paid: before.paid, balance: before.balance),
                after: Settlement(
                    status: after.status, paid: after.paid, balance: after.balance,
                    payment: after.payments.first { $0.id == paymentId }
                ),
                logger: logger
            )
            return after
        }
    }

    /// Cancels an invoice in full with a credit note of its own gapless number; 409 when it was already credited.
    public func issueCreditNote(invoiceId: UUID, reason: String?, audit: AuditContext) async throws -> CreditNote {
        var validator = Validator()
        let reason = validator.requireText(reason, "reason", maxLength: 2000)
        try validator.finish()
        do {
            return try await database.transaction { connection in
                guard let before = try await lockedInvoice(id: invoiceId, on: connection) else { throw Problem.notFound("Invoice") }
                if before.status == .credited {
                    throw Problem.illegalTransition("invoice", from: before.status.rawValue, action: "credit")
                }
                let number = try await Numbering.gapless("CN", on: connection, logger: logger)
                let rows = try await connection.query(
                    """
                    INSERT INTO credit_notes (number, invoice_id, reason, issued_on)
                    VALUES (\(number), \(invoiceId), \(reason), \(today)::date)
                    RETURNING id
                    """,
                    logger: logger
                )
                var noteId: UUID?
                for try await id in rows.decode(UUID.self) { noteId = id }
                guard let noteId, let note = try await creditNotes(ids: [noteId], on: connection).first else {
                    throw Problem.notFound("Credit note")
                }
                try await AuditLog.record(
                    on: connection, audit, action: "credit_note.issued", entity: "credit_note", entityId: noteId.uuidString, after: note,
                    logger: logger
                )
                try await AuditLog.record(
                    on: connection, audit, action: "invoice.credited", entity: "invoice", entityId: invoiceId.uuidString,
                    before: Settlement(status: before.status, paid: before.paid, balance: before.balance),
                    after: Settlement(
                        status: .credited, paid: before.paid, balance: Money(amountMinor: -before.paid.amountMinor, currency: before.currency),
                        creditNote: note.number
                    ),
                    logger: logger
                )
                return note
            }
        } catch let error as PSQLError where error.isUniqueViolation("credit_notes_invoice_id_key") {
            throw Problem.illegalTransition("invoice", from: InvoiceStatus.credited.rawValue, action: "credit")
        }
    }

    /// Locks the invoice row until the transaction ends (a row lock: the immutability trigger is not involved),
    /// then reads the invoice.
    func lockedInvoice(id: UUID, on connection: PostgresConnection) async throws -> Invoice? {
        let rows = try await connection.query("SELECT id FROM invoices WHERE id = \(id) FOR UPDATE", logger: logger)
        var found = false
        for try await _ in rows { found = true }
        return found ? try await invoice(id: id, on: connection) : nil
    }

    /// The audit image of an invoice's settlement.
    struct Settlement: Encodable, Sendable {
        var status: InvoiceStatus
        var paid: Money
        var balance: Money
        var payment: Payment?
        var creditNote: String?
    }
}
