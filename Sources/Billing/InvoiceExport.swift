import Foundation
import LIMSCore

/// The accounting export: one CSV row per invoice and per credit note (negative amounts), RFC 4180.
public enum InvoiceExport {
    public static let header = [
        "type", "number", "issuedOn", "dueOn", "customerCode", "customerName", "orderNumber", "currency",
        "subtotal", "discount", "surcharge", "tax", "total", "referencesInvoice",
    ]

    /// The whole file: a header row, then the documents by issue date (an invoice before its credit note on the
    /// same day), every line ended by CRLF.
    public static func csv(invoices: [Invoice], creditNotes: [CreditNote]) -> String {
        var rows: [(issuedOn: String, issuedAt: Date, fields: [String])] = invoices.map { invoice in
            (
                invoice.issuedOn, invoice.issuedAt,
                [
                    "invoice", invoice.number, invoice.issuedOn, invoice.dueOn, invoice.customer.code, invoice.customer.name, invoice.orderNumber,
                    invoice.currency, invoice.subtotal.decimalString, invoice.discount.decimalString, invoice.surcharge.decimalString,
                    invoice.tax.decimalString, invoice.total.decimalString, "",
                ]
            )
        }
        rows += creditNotes.map { note in
            (
                note.issuedOn, note.issuedAt,
                [
                    "credit_note", note.number, note.issuedOn, "", note.customer.code, note.customer.name, note.orderNumber, note.currency,
                    note.subtotal.decimalString, note.discount.decimalString, note.surcharge.decimalString, note.tax.decimalString,
                    note.total.decimalString, note.invoiceNumber,
                ]
            )
        }
        rows.sort { ($0.issuedOn, $0.issuedAt) < ($1.issuedOn, $1.issuedAt) }
        return ([header] + rows.map(\.fields)).map(line).joined()
    }

    /// One record: fields joined by commas, ended by CRLF.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A field quoted when it holds a comma, a double quote, CR or LF, with its quotes doubled.
    public static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
