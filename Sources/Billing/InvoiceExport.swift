import Foundation
import LIMSCore

/// The accounting export: one CSV row per invoice and per credit note (negative amounts), RFC 4180, safe to open in a
/// spreadsheet.
public enum InvoiceExport {
    public static let header = [
        "type", "number", "issuedOn", "dueOn", "customerCode", "customerName", "orderNumber", "currency",
        "subtotal", "discount", "surcharge", "tax", "total", "referencesInvoice",
    ]

    /// The whole file: a header row, then the documents by issue date (an invoice before its credit note on the
    /// same day), every line ended by CRLF. Names, codes and numbers are text cells, neutralised against formula
    /// injection; the amounts, which the server formats itself, stay numbers (see `CSVText`).
    public static func csv(invoices: [Invoice], creditNotes: [CreditNote]) -> String {
        var rows: [(issuedOn: String, issuedAt: Date, cells: [CSVText.Cell])] = invoices.map { invoice in
            (
                invoice.issuedOn, invoice.issuedAt,
                [
                    .text("invoice"), .text(invoice.number), .text(invoice.issuedOn), .text(invoice.dueOn), .text(invoice.customer.code),
                    .text(invoice.customer.name), .text(invoice.orderNumber), .text(invoice.currency), .number(invoice.subtotal.decimalString),
                    .number(invoice.discount.decimalString), .number(invoice.surcharge.decimalString), .number(invoice.tax.decimalString),
                    .number(invoice.total.decimalString), .text(""),
                ]
            )
        }
        rows += creditNotes.map { note in
            (
                note.issuedOn, note.issuedAt,
                [
                    .text("credit_note"), .text(note.number), .text(note.issuedOn), .text(""), .text(note.customer.code), .text(note.customer.name),
                    .text(note.orderNumber), .text(note.currency), .number(note.subtotal.decimalString), .number(note.discount.decimalString),
                    .number(note.surcharge.decimalString), .number(note.tax.decimalString), .number(note.total.decimalString),
                    .text(note.invoiceNumber),
                ]
            )
        }
        rows.sort { ($0.issuedOn, $0.issuedAt) < ($1.issuedOn, $1.issuedAt) }
        return ([header.map(CSVText.Cell.text)] + rows.map(\.cells)).map(CSVText.record).joined()
    }

    /// A text field as the export writes it: neutralised against formula injection, quoted when it must be.
    public static func field(_ value: String) -> String {
        CSVText.field(.text(value))
    }
}
