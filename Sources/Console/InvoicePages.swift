import Billing
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/console/invoices`: invoices by status with the accounting CSV, and `/console/invoices/{id}`: one invoice with its
/// lines, payments and credit note, its documents, `Record payment` and `Issue credit note`. Billing staff and admins
/// only (the API's rule), for reading as for changing.
struct InvoicePages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/invoices/index", "console/invoices/show"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("invoices", use: list)
        group.get("invoices/export.csv", use: export)
        group.get("invoices/{id}", use: show)
        group.get("invoices/{id}/document.html") { request, context in try await document(request, context: context, format: .html) }
        group.get("invoices/{id}/document.txt") { request, context in try await document(request, context: context, format: .text) }
        group.get("invoices/{id}/credit-note.html") { request, context in try await creditNote(request, context: context, format: .html) }
        group.get("invoices/{id}/credit-note.txt") { request, context in try await creditNote(request, context: context, format: .text) }
        group.post("invoices/{id}/payments", use: recordPayment)
        group.post("invoices/{id}/credit-notes", use: issueCreditNote)
    }

    // MARK: - View models

    typealias Option = FormField.Option

    struct Row {
        var href: String
        var number: String
        var orderNumber: String
        var customer: String
        var issuedOn: String
        var dueOn: String
        var total: String
        var paid: String
        var balance: String
        var status: String
        var statusClass: String
    }

    struct ListModel {
        var rows: [Row]
        var statusOptions: [Option]
        var filtered: Bool
        var nextHref: String?
        var firstHref: String?
        var csvHref: String
        var exportFrom: String
        var exportTo: String
    }

    struct Fact {
        var label: String
        var value: String
    }

    struct LineRow {
        var serviceCode: String
        var description: String
        var unitPrice: String
        var surcharge: String
    }

    struct TotalRow {
        var label: String
        var amount: String
        var emphasised: Bool
    }

    struct PaymentRow {
        var receivedOn: String
        var reference: String
        var amount: String
        var recordedAt: String
    }

    struct CreditNoteView {
        var number: String
        var issuedOn: String
        var reason: String
        var htmlHref: String
        var textHref: String
    }

    struct ShowModel {
        var id: String
        var heading: String
        var status: String
        var statusClass: String
        var facts: [Fact]
        var htmlHref: String
        var textHref: String
        var lines: [LineRow]
        var totals: [TotalRow]
        var payments: [PaymentRow]
        var creditNote: CreditNoteView?
        var canPay: Bool
        var canCredit: Bool
        var currency: String
        var amountLabel: String
        var amountHint: String
        var creditAmount: String
        var payment: FieldProblems
        var credit: FieldProblems
        var errors: [FieldProblems.Link]
    }

    // MARK: - The list

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.billing)
        let display = area.display(request)
        let query = request.uri.queryParameters
        let status = query["status"].flatMap { InvoiceStatus(rawValue: String($0)) }
        let cursor = query["cursor"].map(String.init)
        var page = (try? PageRequest(query: cursor.map { ["cursor": $0] } ?? [:])) ?? PageRequest()
        page.limit = 50
        let found: Page<Invoice>
        do {
            found = try await services.billing.list(scope: nil, status: status, customerId: nil, page: page)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            found = try await services.billing.list(scope: nil, status: status, customerId: nil, page: PageRequest(limit: 50))
        }
        let rows = found.items.map { invoice in
            Row(
                href: "/console/invoices/\(invoice.id)", number: invoice.number, orderNumber: invoice.orderNumber, customer: invoice.customer.name,
                issuedOn: invoice.issuedOn, dueOn: invoice.dueOn, total: invoice.total.formatted, paid: invoice.paid.formatted,
                balance: invoice.balance.formatted, status: Self.statusText(invoice.status, display), statusClass: Self.statusClass(invoice.status)
            )
        }
        let base = "/console/invoices"
        let filter = status.map { "status=\($0.rawValue)" }
        let nextHref = found.nextCursor.map { base + "?" + ([filter, "cursor=\($0)"].compactMap { $0 }).joined(separator: "&") }
        let firstHref = cursor == nil ? nil : base + (filter.map { "?" + $0 } ?? "")
        let year = Self.year(Date())
        let model = ListModel(
            rows: rows,
            statusOptions: [Option(value: "", label: display.text("invoices.anyStatus"), selected: status == nil)]
                + InvoiceStatus.allCases.map { Option(value: $0.rawValue, label: Self.statusText($0, display), selected: $0 == status) },
            filtered: status != nil, nextHref: nextHref, firstHref: firstHref,
            csvHref: "\(base)/export.csv?from=\(year)-01-01&to=\(year)-12-31", exportFrom: "\(year)-01-01", exportTo: DateFormats.formatDay(Date())
        )
        return try area.page("console/invoices/index", titleKey: "invoices.title", model: model, request: request, context: context.root)
    }

    /// `GET /console/invoices/export.csv?from=&to=`: the API's accounting export (this year when no dates are given).
    func export(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.billing)
        let query = request.uri.queryParameters
        let year = Self.year(Date())
        func day(_ name: String, _ fallback: String) -> String {
            let text = query[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            return text.isEmpty ? fallback : text
        }
        let from = day("from", "\(year)-01-01")
        let to = day("to", "\(year)-12-31")
        var issues: [FieldIssue] = []
        for (name, value) in [("from", from), ("to", to)] where DateFormats.parseDay(value) == nil {
            issues.append(FieldIssue(field: name, message: "must be a date, YYYY-MM-DD"))
        }
        if issues.isEmpty, to < from { issues.append(FieldIssue(field: "to", message: "must not be before from")) }
        if !issues.isEmpty { throw Problem.validation(issues) }
        let issued = try await services.billing.issued(from: from, to: to)
        let csv = InvoiceExport.csv(invoices: issued.invoices, creditNotes: issued.creditNotes)
        return DocumentFormat.document(
            csv, contentType: "text/csv; charset=utf-8", headers: [.contentDisposition: "attachment; filename=\"invoices-\(from)-to-\(to).csv\""]
        )
    }

    // MARK: - One invoice

    struct Forms {
        var payment = FieldProblems()
        var credit = FieldProblems()
    }

    func invoice(_ context: ConsoleContext) async throws -> Invoice {
        try context.require(ConsoleRules.billing)
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw WebError.notFound }
        return try await services.billing.invoice(id: id, scope: nil)
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, invoice: try await invoice(context), forms: Forms())
    }

    func render(
        _ request: Request, context: ConsoleContext, invoice: Invoice, forms: Forms, status httpStatus: HTTPResponse.Status = .ok
    ) throws -> Response {
        let display = area.display(request)
        let path = "/console/invoices/\(invoice.id)"
        var facts = [
            Fact(label: display.text("invoices.number"), value: invoice.number),
            Fact(label: display.text("orders.number"), value: invoice.orderNumber),
            Fact(label: display.text("invoices.customer"), value: "\(invoice.customer.name) (\(invoice.customer.code))"),
            Fact(label: display.text("invoices.customerReference"), value: invoice.customerReference),
            Fact(label: display.text("invoices.issuedOn"), value: invoice.issuedOn),
            Fact(label: display.text("invoices.dueOn"), value: invoice.dueOn),
            Fact(label: display.text("invoices.currency"), value: invoice.currency),
        ]
        if invoice.expedited { facts.append(Fact(label: display.text("invoices.priority"), value: display.status("priority", "expedited"))) }
        var totals = [
            TotalRow(label: display.text("invoices.subtotal"), amount: invoice.subtotal.formatted, emphasised: false),
            TotalRow(
                label: display.text("invoices.discount", Self.percent(invoice.discountBasisPoints)),
                amount: Money(amountMinor: -invoice.discount.amountMinor, currency: invoice.currency).formatted, emphasised: false
            ),
        ]
        if invoice.surcharge.amountMinor != 0 {
            totals.append(TotalRow(label: display.text("invoices.surcharge"), amount: invoice.surcharge.formatted, emphasised: false))
        }
        totals += [
            TotalRow(label: display.text("invoices.tax", Self.percent(invoice.taxRateBasisPoints)), amount: invoice.tax.formatted, emphasised: false),
            TotalRow(label: display.text("invoices.total"), amount: invoice.total.formatted, emphasised: true),
            TotalRow(label: display.text("invoices.paid"), amount: invoice.paid.formatted, emphasised: false),
            TotalRow(label: display.text("invoices.balance"), amount: invoice.balance.formatted, emphasised: true),
        ]
        let credited = invoice.creditNote != nil
        var payment = forms.payment
        if payment.values["receivedOn"] == nil { payment.values["receivedOn"] = DateFormats.formatDay(Date()) }
        let example = Money(amountMinor: 123_450, currency: invoice.currency).decimalString
        let model = ShowModel(
            id: invoice.id.uuidString, heading: display.text("invoices.showHeading", invoice.number), status: Self.statusText(invoice.status, display),
            statusClass: Self.statusClass(invoice.status), facts: facts, htmlHref: "\(path)/document.html", textHref: "\(path)/document.txt",
            lines: invoice.lines.map {
                LineRow(serviceCode: $0.serviceCode, description: $0.description, unitPrice: $0.unitPrice.formatted, surcharge: $0.surcharge.formatted)
            },
            totals: totals,
            payments: invoice.payments.map {
                PaymentRow(receivedOn: $0.receivedOn, reference: $0.reference, amount: $0.amount.formatted, recordedAt: display.time($0.recordedAt))
            },
            creditNote: invoice.creditNote.map {
                CreditNoteView(
                    number: $0.number, issuedOn: $0.issuedOn, reason: $0.reason, htmlHref: "\(path)/credit-note.html", textHref: "\(path)/credit-note.txt"
                )
            },
            canPay: !credited && invoice.balance.amountMinor > 0, canCredit: !credited, currency: invoice.currency,
            amountLabel: display.text("invoices.amount", invoice.currency),
            amountHint: display.text("invoices.amountHint", invoice.currency, example, invoice.balance.formatted),
            creditAmount: display.text("invoices.creditExplained", invoice.total.formatted), payment: payment, credit: forms.credit,
            errors: forms.payment.summary + forms.credit.summary
        )
        return try area.page(
            "console/invoices/show", titleKey: "invoices.showTitle", model: model, request: request, context: context.root, status: httpStatus
        )
    }

    /// The invoice as the document the customer receives (the API's HTML or text rendering, with the document headers).
    func document(_ request: Request, context: ConsoleContext, format: DocumentFormat) async throws -> Response {
        let invoice = try await invoice(context)
        return format.response(try services.invoiceDocuments.render(invoice, as: format))
    }

    func creditNote(_ request: Request, context: ConsoleContext, format: DocumentFormat) async throws -> Response {
        let invoice = try await invoice(context)
        guard let summary = invoice.creditNote else { throw WebError.notFound }
        let note = try await services.billing.creditNote(id: summary.id, scope: nil)
        return format.response(try services.invoiceDocuments.render(note, as: format))
    }

    // MARK: Payments and credit notes

    func recordPayment(_ request: Request, context: ConsoleContext) async throws -> Response {
        let invoice = try await invoice(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        let fields = [
            FieldProblems.Field(name: "amount", anchor: "pay-amount", label: display.text("invoices.amount", invoice.currency)),
            FieldProblems.Field(name: "receivedOn", anchor: "pay-receivedOn", label: display.text("invoices.receivedOn")),
            FieldProblems.Field(name: "reference", anchor: "pay-reference", label: display.text("invoices.reference")),
        ]
        var forms = Forms()
        for field in fields { forms.payment.values[field.name] = form.all(field.name).first ?? "" }
        func refuse(_ index: Int, _ message: String) {
            forms.payment.add(fields[index].name, anchor: fields[index].anchor, label: fields[index].label, message: message)
        }
        var amount: Money?
        if let problem = form.problems["amount"] {
            refuse(0, problem)
        } else if let text = form["amount"] {
            switch Self.minorUnits(text, currency: invoice.currency) {
            case .success(let minor) where minor <= 0: refuse(0, display.text("invoices.amountPositive"))
            case .success(let minor) where minor > invoice.balance.amountMinor:
                refuse(0, display.text("invoices.amountAboveBalance", invoice.balance.formatted))
            case .success(let minor): amount = Money(amountMinor: minor, currency: invoice.currency)
            case .failure(.tooManyDecimals):
                refuse(0, display.text("invoices.amountDecimals", invoice.currency, String(Currency.minorDigits(invoice.currency))))
            case .failure(.notANumber):
                refuse(0, display.text("invoices.amountInvalid", Money(amountMinor: 123_450, currency: invoice.currency).decimalString))
            }
        } else {
            refuse(0, display.text("form.required"))
        }
        if let problem = form.problems["receivedOn"] {
            refuse(1, problem)
        } else if let day = form["receivedOn"] {
            if DateFormats.parseDay(day) == nil { refuse(1, display.text("invoices.dateInvalid")) }
        } else {
            refuse(1, display.text("form.required"))
        }
        if let problem = form.problems["reference"] { refuse(2, problem) } else if form["reference"] == nil { refuse(2, display.text("form.required")) }
        if forms.payment.isEmpty, let amount {
            do {
                let input = BillingStore.NewPayment(amount: amount, receivedOn: form["receivedOn"], reference: form["reference"])
                let after = try await services.billing.recordPayment(input, invoiceId: invoice.id, audit: context.audit)
                return area.redirect(
                    to: "/console/invoices/\(invoice.id)", flash: "invoices.paymentRecorded", amount.formatted, after.balance.formatted
                )
            } catch let problem as Problem where problem.status == .unprocessableContent {
                forms.payment.add(problem.errors, fields: fields, fallback: fields[0], display: display)
            } catch let problem as Problem where problem.status == .conflict {
                return area.redirect(to: "/console/invoices/\(invoice.id)", flash: "invoices.notChanged", problem.detail, error: true)
            }
        }
        // The balance may have moved since the page was shown: show it as it now is.
        let current = try await services.billing.invoice(id: invoice.id, scope: nil)
        return try render(request, context: context, invoice: current, forms: forms, status: .unprocessableContent)
    }

    func issueCreditNote(_ request: Request, context: ConsoleContext) async throws -> Response {
        let invoice = try await invoice(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        let field = FieldProblems.Field(name: "reason", anchor: "credit-reason", label: display.text("invoices.creditReason"))
        var forms = Forms()
        forms.credit.values["reason"] = form.all("reason").first ?? ""
        if let problem = form.problems["reason"] {
            forms.credit.add(field.name, anchor: field.anchor, label: field.label, message: problem)
        } else if form["reason"] == nil {
            forms.credit.add(field.name, anchor: field.anchor, label: field.label, message: display.text("form.required"))
        }
        if forms.credit.isEmpty {
            do {
                let note = try await services.billing.issueCreditNote(invoiceId: invoice.id, reason: form["reason"], audit: context.audit)
                return area.redirect(to: "/console/invoices/\(invoice.id)", flash: "invoices.credited", note.number, invoice.number)
            } catch let problem as Problem where problem.status == .unprocessableContent {
                forms.credit.add(problem.errors, fields: [field], fallback: field, display: display)
            } catch let problem as Problem where problem.status == .conflict {
                return area.redirect(to: "/console/invoices/\(invoice.id)", flash: "invoices.notChanged", problem.detail, error: true)
            }
        }
        return try render(request, context: context, invoice: invoice, forms: forms, status: .unprocessableContent)
    }

    // MARK: - Helpers

    static func statusText(_ status: InvoiceStatus, _ display: Display) -> String {
        display.text("invoices.state.\(status.rawValue)")
    }

    static func statusClass(_ status: InvoiceStatus) -> String {
        switch status {
        case .paid: "tag tag-ok"
        case .overdue: "tag tag-bad"
        case .credited: "tag tag-muted"
        case .issued, .partiallyPaid: "tag"
        }
    }

    static func year(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.component(.year, from: date)
    }

    /// `10 %`, `12.5 %` from basis points.
    static func percent(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let rest = basisPoints % 100
        if rest == 0 { return "\(whole)%" }
        return rest % 10 == 0 ? "\(whole).\(rest / 10)%" : String(format: "%d.%02d%%", whole, rest)
    }

    enum AmountError: Error {
        case notANumber
        case tooManyDecimals
    }

    /// A decimal amount as a person types it (`1,234.5`, `1234.50`, `1234.50 CNY`) in integer minor units of `currency`,
    /// exactly (no floating point): more decimals than the currency has are refused, never rounded.
    static func minorUnits(_ text: String, currency: String) -> Result<Int64, AmountError> {
        var cleaned = text.filter { !$0.isWhitespace && $0 != "," }
        if cleaned.uppercased().hasSuffix(currency) { cleaned = String(cleaned.dropLast(currency.count)) }
        if cleaned.uppercased().hasPrefix(currency) { cleaned = String(cleaned.dropFirst(currency.count)) }
        let digits = Currency.minorDigits(currency)
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return .failure(.notANumber) }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        let isDigits: (Substring) -> Bool = { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard isDigits(whole), isDigits(fraction), !(whole.isEmpty && fraction.isEmpty), whole.count <= 13 else { return .failure(.notANumber) }
        guard fraction.count <= digits else { return .failure(.tooManyDecimals) }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let padded = fraction + String(repeating: "0", count: digits - fraction.count)
        let minor = (Int64(whole) ?? 0) * scale + (Int64(padded) ?? 0)
        return .success(minor)
    }
}
