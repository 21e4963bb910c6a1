import Foundation
import LIMSCore

/// An invoice as the API shows it: the issued document (never changed once issued) plus what is derived
/// when it is read: what was paid, the open balance, the status and the credit note that cancelled it.
public struct Invoice: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var itemId: UUID
        public var serviceCode: String
        public var description: String
        public var unitPrice: Money
        public var expediteSurchargeBasisPoints: Int
        /// This line's share of the expedite surcharge (zero unless the order was expedited).
        public var surcharge: Money
    }

    /// The customer as billed, copied onto the invoice when it was issued.
    public struct BilledCustomer: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var address: String
        public var taxId: String?
        /// The customer's `documentLanguage` when the invoice was issued (`en`, `zh-Hans`, `bilingual`): its documents' language.
        public var documentLanguage: String?
    }

    public var id: UUID
    public var number: String
    public var orderId: UUID
    public var orderNumber: String
    public var customerReference: String
    public var customerId: UUID
    public var customer: BilledCustomer
    public var status: InvoiceStatus
    public var currency: String
    /// Calendar dates, `YYYY-MM-DD` (UTC).
    public var issuedOn: String
    public var dueOn: String
    public var issuedAt: Date
    public var discountBasisPoints: Int
    public var taxRateBasisPoints: Int
    public var expedited: Bool
    public var lines: [Line]
    public var subtotal: Money
    public var discount: Money
    public var surcharge: Money
    public var tax: Money
    public var total: Money
    public var paid: Money
    /// What is still owed: total − paid, or −paid once credited (money the lab owes back).
    public var balance: Money
    public var payments: [Payment]
    public var creditNote: CreditNote.Summary?
}

/// A payment received against an invoice.
public struct Payment: Codable, Sendable, Equatable {
    public var id: UUID
    public var amount: Money
    public var receivedOn: String
    public var reference: String
    public var recordedAt: Date
}

/// A credit note: cancels one invoice in full, with its own gapless number (`CN-2026-000001`) and document.
/// Its amounts are the invoice's, negated.
public struct CreditNote: Codable, Sendable, Equatable {
    /// What an invoice shows of the credit note that cancelled it.
    public struct Summary: Codable, Sendable, Equatable {
        public var id: UUID
        public var number: String
        public var issuedOn: String
        public var reason: String
    }

    public var id: UUID
    public var number: String
    public var invoiceId: UUID
    public var invoiceNumber: String
    public var orderId: UUID
    public var orderNumber: String
    public var customerId: UUID
    public var customer: Invoice.BilledCustomer
    public var reason: String
    public var currency: String
    public var issuedOn: String
    public var issuedAt: Date
    public var lines: [Invoice.Line]
    public var subtotal: Money
    public var discount: Money
    public var surcharge: Money
    public var tax: Money
    public var total: Money

    /// The credit note that cancels `invoice` in full.
    init(id: UUID, number: String, reason: String, issuedOn: String, issuedAt: Date, cancelling invoice: Invoice) {
        func negated(_ money: Money) -> Money { Money(amountMinor: -money.amountMinor, currency: money.currency) }
        self.id = id
        self.number = number
        self.invoiceId = invoice.id
        self.invoiceNumber = invoice.number
        self.orderId = invoice.orderId
        self.orderNumber = invoice.orderNumber
        self.customerId = invoice.customerId
        self.customer = invoice.customer
        self.reason = reason
        self.currency = invoice.currency
        self.issuedOn = issuedOn
        self.issuedAt = issuedAt
        self.lines = invoice.lines.map { line in
            var line = line
            line.unitPrice = negated(line.unitPrice)
            line.surcharge = negated(line.surcharge)
            return line
        }
        self.subtotal = negated(invoice.subtotal)
        self.discount = negated(invoice.discount)
        self.surcharge = negated(invoice.surcharge)
        self.tax = negated(invoice.tax)
        self.total = negated(invoice.total)
    }
}
