import Foundation
import LIMSCore
import Reports

/// Renders invoices and credit notes as documents: print-friendly HTML and plain text of 80 columns, from the
/// templates `invoice.html` and `invoice.txt` (one pair serves both kinds of document).
public struct InvoiceDocuments: Sendable {
    /// The lab as it heads its documents.
    public struct Issuer: Sendable {
        public var name: String
        public var address: String
        public var accreditation: String

        public init(name: String, address: String, accreditation: String) {
            self.name = name
            self.address = address
            self.accreditation = accreditation
        }
    }

    /// The templates this module needs; start-up fails when one is missing.
    public static let templates = ["invoice.html", "invoice.txt"]

    let renderer: ReportRenderer
    let issuer: Issuer

    /// Throws when one of ``templates`` is missing from `renderer`, so start-up fails rather than a request.
    public init(renderer: ReportRenderer, issuer: Issuer) throws {
        try renderer.require(Self.templates)
        self.renderer = renderer
        self.issuer = issuer
    }

    public func render(_ invoice: Invoice, as format: DocumentFormat) throws -> String {
        try render(context(invoice), as: format)
    }

    public func render(_ note: CreditNote, as format: DocumentFormat) throws -> String {
        try render(context(note), as: format)
    }

    func render(_ document: Document, as format: DocumentFormat) throws -> String {
        switch format {
        case .html: try renderer.render("invoice.html", document.context(issuer: issuer))
        case .text: try renderer.render("invoice.txt", document.context(issuer: issuer))
        case .json: throw Problem(status: .internalServerError, detail: "JSON is not rendered from a template.")
        }
    }

    /// The language an invoice or credit note is rendered in: the one frozen on the invoice when it was issued.
    static func language(_ customer: Invoice.BilledCustomer) -> DocumentLanguage {
        customer.documentLanguage.flatMap(DocumentLanguage.init(rawValue:)) ?? .en
    }

    func context(_ invoice: Invoice) -> Document {
        let language = Self.language(invoice.customer)
        func t(_ key: String, _ arguments: String...) -> String { Self.text(key, language, arguments) }
        var facts: [(String, String)] = [
            (t("invoice.number"), invoice.number),
            (t("invoice.issuedOn"), invoice.issuedOn),
            (t("invoice.dueOn"), invoice.dueOn),
            (t("invoice.order"), invoice.orderNumber),
            (t("invoice.reference"), invoice.customerReference),
            (t("invoice.status"), Self.label(invoice.status, language)),
        ]
        if let note = invoice.creditNote {
            facts.append((t("invoice.creditedBy"), t("invoice.creditedByValue", note.number, note.issuedOn, note.reason)))
        }
        var totals = Self.totals(
            subtotal: invoice.subtotal, discount: invoice.discount, discountBasisPoints: invoice.discountBasisPoints, surcharge: invoice.surcharge,
            tax: invoice.tax, taxRateBasisPoints: invoice.taxRateBasisPoints, total: invoice.total, language: language
        )
        totals.append(Total(label: t("invoice.paid"), amount: invoice.paid.formatted, emphasised: false))
        if invoice.balance.amountMinor < 0 {
            let refund = Money(amountMinor: -invoice.balance.amountMinor, currency: invoice.currency)
            totals.append(Total(label: t("invoice.creditOwed"), amount: refund.formatted, emphasised: true))
        } else {
            totals.append(Total(label: t("invoice.balance"), amount: invoice.balance.formatted, emphasised: true))
        }
        return Document(
            title: t("invoice.title"), number: invoice.number, status: Self.label(invoice.status, language), statusCode: invoice.status.rawValue,
            customer: invoice.customer, facts: facts, lines: invoice.lines, totals: totals,
            payments: invoice.payments.map { [$0.receivedOn, $0.reference, $0.amount.formatted] },
            note: invoice.status == .credited ? t("invoice.cancelled", invoice.creditNote?.number ?? "") : nil, language: language
        )
    }

    /// A catalogue text with `{0}`, `{1}`… filled in.
    static func text(_ key: String, _ language: DocumentLanguage, _ arguments: [String] = []) -> String {
        var text = DocumentText.text(key, language)
        for (index, argument) in arguments.enumerated() { text = text.replacingOccurrences(of: "{\(index)}", with: argument) }
        return text
    }

    func context(_ note: CreditNote) -> Document {
        let language = Self.language(note.customer)
        func t(_ key: String, _ arguments: String...) -> String { Self.text(key, language, arguments) }
        let facts: [(String, String)] = [
            (t("invoice.creditNoteNumber"), note.number),
            (t("invoice.issuedOn"), note.issuedOn),
            (t("invoice.cancelsInvoice"), note.invoiceNumber),
            (t("invoice.order"), note.orderNumber),
            (t("invoice.reason"), note.reason),
        ]
        let totals = Self.totals(
            subtotal: note.subtotal, discount: note.discount, discountBasisPoints: nil, surcharge: note.surcharge, tax: note.tax,
            taxRateBasisPoints: nil, total: note.total, language: language
        )
        return Document(
            title: t("invoice.creditNote"), number: note.number, status: t("invoice.noteIssued"), statusCode: "issued", customer: note.customer,
            facts: facts, lines: note.lines, totals: totals, payments: [], note: t("invoice.noteCancels", note.invoiceNumber), language: language
        )
    }

    static func totals(
        subtotal: Money, discount: Money, discountBasisPoints: Int?, surcharge: Money, tax: Money, taxRateBasisPoints: Int?, total: Money,
        language: DocumentLanguage = .en
    ) -> [Total] {
        let t = { (key: String) in DocumentText.text(key, language) }
        var totals = [Total(label: t("invoice.subtotal"), amount: subtotal.formatted, emphasised: false)]
        if discount.amountMinor != 0 {
            let rate = discountBasisPoints.map { " (\(percent($0)))" } ?? ""
            let deducted = Money(amountMinor: -discount.amountMinor, currency: discount.currency)
            totals.append(Total(label: t("invoice.discount") + rate, amount: deducted.formatted, emphasised: false))
        }
        if surcharge.amountMinor != 0 { totals.append(Total(label: t("invoice.surcharge"), amount: surcharge.formatted, emphasised: false)) }
        let rate = taxRateBasisPoints.map { " (\(percent($0)))" } ?? ""
        totals.append(Total(label: t("invoice.tax") + rate, amount: tax.formatted, emphasised: false))
        totals.append(Total(label: t("invoice.total"), amount: total.formatted, emphasised: true))
        return totals
    }

    /// 1000 basis points → "10 %", 650 → "6.5 %", 1325 → "13.25 %".
    static func percent(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        if fraction == 0 { return "\(whole) %" }
        let digits = fraction % 10 == 0 ? "\(fraction / 10)" : String(format: "%02d", fraction)
        return "\(whole).\(digits) %"
    }

    static func label(_ status: InvoiceStatus, _ language: DocumentLanguage = .en) -> String {
        DocumentText.text("invoice.status.\(status.rawValue)", language)
    }
}

extension InvoiceDocuments {
    struct Total {
        var label: String
        var amount: String
        var emphasised: Bool
    }

    /// What both templates show, for an invoice or a credit note.
    struct Document {
        var title: String
        var number: String
        var status: String
        var statusCode: String
        var customer: Invoice.BilledCustomer
        var facts: [(String, String)]
        var lines: [Invoice.Line]
        var totals: [Total]
        /// Received on, reference, amount.
        var payments: [[String]]
        var note: String?
        var language: DocumentLanguage = .en

        func t(_ key: String) -> String { DocumentText.text(key, language) }

        /// The Mustache context: plain values for the HTML template, and the same content laid out in
        /// 80 columns (`text…` keys) for the plain-text one.
        func context(issuer: Issuer) -> [String: Any] {
            let showSurcharge = lines.contains { $0.surcharge.amountMinor != 0 }
            var labels: [String: String] = [:]
            for key in DocumentText.catalogue.keys where key.hasPrefix("invoice.") { labels[String(key.dropFirst(8))] = t(key) }
            var context: [String: Any] = [
                "htmlLang": language.htmlLang, "l": labels, "footer": InvoiceDocuments.text("invoice.footer", language, [number]),
                "title": title, "number": number, "status": status, "statusCode": statusCode,
                "lab": ["name": issuer.name, "address": issuer.address, "accreditation": issuer.accreditation],
                "customer": ["code": customer.code, "name": customer.name, "address": customer.address, "taxId": customer.taxId ?? ""],
                "hasTaxId": customer.taxId?.isEmpty == false,
                "facts": facts.map { ["label": $0.0, "value": $0.1] },
                "showSurcharge": showSurcharge,
                "lines": lines.enumerated().map { index, line in
                    [
                        "position": "\(index + 1)", "serviceCode": line.serviceCode, "description": line.description,
                        "unitPrice": line.unitPrice.formatted, "surcharge": line.surcharge.formatted,
                    ]
                },
                "totals": totals.map { ["label": $0.label, "amount": $0.amount, "emphasised": $0.emphasised] },
                "hasPayments": !payments.isEmpty,
                "payments": payments.map { ["receivedOn": $0[0], "reference": $0[1], "amount": $0[2]] },
                "textHeader": textHeader(issuer: issuer),
                "textFacts": textFacts(),
                "textLines": textLines(),
                "textTotals": totals.map { PlainText.padLeft($0.label, 58) + PlainText.padLeft($0.amount, 22) },
                "textPaymentsHeading": t("invoice.payments"),
                "textPayments": payments.map {
                    PlainText.padRight($0[0], 12) + PlainText.padRight(String($0[1].prefix(44)), 46) + PlainText.padLeft($0[2], 22)
                },
                "rule": String(repeating: "-", count: 80),
                "doubleRule": String(repeating: "=", count: 80),
            ]
            if let note {
                context["note"] = note
                context["textNote"] = PlainText.wrap(note, width: 80)
            }
            return context
        }

        func textHeader(issuer: Issuer) -> [String] {
            var lines = PlainText.wrap(issuer.name.uppercased(), width: 80)
            lines += PlainText.wrap(issuer.address, width: 80)
            lines += PlainText.wrap("\(t("invoice.accreditation")): \(issuer.accreditation)", width: 80)
            return lines
        }

        /// Bill-to block and the document's facts, as `Label          value` lines.
        func textFacts() -> [String] {
            var rows: [(String, String)] = [(t("invoice.billTo"), customer.name), ("", customer.address)]
            if let taxId = customer.taxId, !taxId.isEmpty { rows.append((t("invoice.taxId"), taxId)) }
            rows.append((t("invoice.customerCode"), customer.code))
            rows.append(("", ""))
            rows += facts
            var lines: [String] = []
            for (label, value) in rows {
                let wrapped = PlainText.wrap(value, width: 60)
                for (index, part) in wrapped.enumerated() {
                    let line = PlainText.padRight(index == 0 ? label : "", 20) + part
                    lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
                }
            }
            return lines
        }

        /// The line table: position, service code and description wrapped in 56 columns, amount right-aligned.
        func textLines() -> [String] {
            var rows = [
                PlainText.padRight(t("invoice.no"), 4) + PlainText.padRight(t("invoice.serviceAndDescription"), 56) + PlainText.padLeft(t("invoice.amount"), 20),
            ]
            rows.append(String(repeating: "-", count: 80))
            for (index, line) in lines.enumerated() {
                var text = "\(line.serviceCode): \(line.description)"
                if line.surcharge.amountMinor != 0 { text += " (\(t("invoice.lineSurcharge")) \(line.surcharge.formatted))" }
                for (part, wrapped) in PlainText.wrap(text, width: 54).enumerated() {
                    let position = part == 0 ? "\(index + 1)" : ""
                    let amount = part == 0 ? line.unitPrice.formatted : ""
                    let row = PlainText.padRight(position, 4) + PlainText.padRight(wrapped, 56) + PlainText.padLeft(amount, 20)
                    rows.append(String(row.reversed().drop { $0 == " " }.reversed()))
                }
            }
            return rows
        }
    }
}
