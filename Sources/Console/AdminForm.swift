import Foundation
import LIMSCore
import Web

/// One input of an admin form, display-ready: what the person typed, a hint, and the problem beside it.
struct AdminField {
    var id: String
    var value: String
    var hint: String?
    var error: String?
    /// The ids of the hint and error paragraphs, for `aria-describedby`.
    var describedBy: String?
}

/// One entry of the error summary at the top of a page (`partials/errors`).
typealias ErrorLink = SummaryError

/// The state of one admin form: the values as typed (kept on a re-render) and the problems per field, already in
/// the person's language. Problems come from the page's own parsing (numbers, dates, amounts) or from a module's
/// 422, whose field names ``storeField`` maps onto the form's.
struct AdminForm {
    private(set) var values: [String: String] = [:]
    private(set) var order: [String] = []
    private(set) var problems: [String: [String]] = [:]

    init(values: [String: String] = [:]) {
        self.values = values
    }

    /// The fields `names` of a posted form, as typed (trimmed), and the input rule's refusals beside them.
    init(_ form: FormData, fields names: [String], display: Display) {
        for name in names { values[name] = form[name] ?? "" }
        for (name, reason) in form.problems.sorted(by: { $0.key < $1.key }) {
            fail(Self.storeField(name), AdminIssues.text(reason, display: display))
        }
    }

    subscript(_ name: String) -> String {
        get { values[name] ?? "" }
        set { values[name] = newValue }
    }

    var failed: Bool { !problems.isEmpty }

    mutating func fail(_ field: String, _ message: String) {
        if problems[field] == nil { order.append(field) }
        if problems[field]?.contains(message) != true { problems[field, default: []].append(message) }
    }

    /// Every issue of a module's validation problem, beside the form's field it concerns.
    mutating func add(_ problem: Problem, display: Display) {
        if problem.errors.isEmpty { fail("", problem.detail) }
        for issue in problem.errors { fail(Self.storeField(issue.field), AdminIssues.text(issue.message, display: display)) }
    }

    /// A module's field name (JSON path) as the form's: `roles[2]` → `roles`, `price.amountMinor` → `amount`.
    static func storeField(_ field: String) -> String {
        let base = field.split(separator: "[").first.map(String.init) ?? field
        switch base {
        case "price", "price.amountMinor": return "amount"
        case "price.currency": return "currency"
        case "discountBasisPoints": return "discount"
        case "taxRateBasisPoints": return "taxRate"
        case "expediteSurchargeBasisPoints": return "surcharge"
        default: return base
        }
    }

    /// The field `name` with its value, hint and error, its input's id being `id` (default: the name).
    func field(_ name: String, id: String? = nil, hint: String? = nil) -> AdminField {
        let id = id ?? name
        let error = problems[name].map { $0.joined(separator: " ") }
        let described = [hint.map { _ in "\(id)-hint" }, error.map { _ in "\(id)-error" }].compactMap { $0 }
        return AdminField(id: id, value: self[name], hint: hint, error: error, describedBy: described.isEmpty ? nil : described.joined(separator: " "))
    }

    /// The error summary in the order of `labels` (each field with its label and the input to jump to); a problem
    /// of a field not listed comes last, under its own name.
    func summary(_ labels: [(field: String, label: String, anchor: String)]) -> [ErrorLink] {
        func message(_ field: String) -> String { problems[field, default: []].joined(separator: " ") }
        let listed = labels.filter { problems[$0.field] != nil }.map { ErrorLink(anchor: $0.anchor, label: $0.label, message: message($0.field)) }
        let others = order.filter { field in !labels.contains { $0.field == field } }.map {
            ErrorLink(anchor: $0.isEmpty ? "main" : $0, label: $0, message: message($0))
        }
        return listed + others
    }
}

/// Turns what the modules and the page's parsers say about a field (English, as the API words it) into the
/// person's language. A message not known here is shown as the module wrote it.
enum AdminIssues {
    static let exact: [String: String] = [
        "is required": "admin.issue.required",
        "must be an email address": "admin.issue.email",
        "must not be only whitespace": "admin.issue.whitespace",
        "must not contain control characters": "admin.issue.control",
        "must not contain the NUL character (U+0000)": "admin.issue.control",
        "must not be the email address or its local part": "admin.issue.passwordIsEmail",
        "is a commonly used password": "admin.issue.commonPassword",
        "must name at least one role": "admin.issue.roles",
        "may contain only letters, digits, '-' and '_'": "admin.issue.customerCode",
        "may contain only letters, digits, '-', '_' and '.'": "admin.issue.serviceCode",
        "must be an ISO 4217 code such as CNY, EUR or USD": "admin.issue.currency",
        "must be a positive decimal string": "admin.issue.mpe",
        "is required for a verification service: 1 to 120 months": "admin.issue.verificationPeriod",
        "applies only to verification services": "admin.issue.verificationOnly",
        "must not be negative": "admin.issue.negative",
        "is not a service in the catalogue": "admin.issue.unknownService",
        "must be a date YYYY-MM-DD": "admin.issue.date",
    ]

    static func text(_ message: String, display: Display) -> String {
        if let key = exact[message] { return display.text(key) }
        if message.hasPrefix("must be one of:") { return display.text("admin.issue.choose") }
        let numbers = message.split(whereSeparator: { !$0.isNumber }).map(String.init)
        if message.hasPrefix("must be at least"), message.hasSuffix("characters"), numbers.count == 1 {
            return display.text("admin.issue.minLength", numbers[0])
        }
        if message.hasPrefix("must be at most"), message.hasSuffix("characters"), numbers.count == 1 {
            return display.text("admin.issue.maxLength", numbers[0])
        }
        if message.hasPrefix("must be at most"), message.contains("bytes"), let first = numbers.first {
            return display.text("admin.issue.maxBytes", first)
        }
        if message.hasPrefix("must be from"), message.hasSuffix("days"), numbers.count == 2 {
            return display.text("admin.issue.dayRange", numbers[0], numbers[1])
        }
        if message.hasPrefix("must be at most"), numbers.count == 1 { return display.text("admin.issue.tooLarge") }
        return message
    }
}

/// The parsers of the admin forms' numbers: they say what is wrong in the person's language, or give the value.
enum AdminParse {
    /// A whole number in `range`; `nil` (and a problem on `form`) otherwise. Blank gives `nil` without a problem
    /// unless `required`.
    static func integer(_ form: inout AdminForm, _ name: String, range: ClosedRange<Int>, required: Bool, display: Display) -> Int? {
        let text = form[name]
        if text.isEmpty {
            if required { form.fail(name, display.text("admin.issue.required")) }
            return nil
        }
        guard let value = Int(text), range.contains(value) else {
            form.fail(name, display.text("admin.issue.wholeNumber", String(range.lowerBound), String(range.upperBound)))
            return nil
        }
        return value
    }

    /// A percentage with at most two decimals ("12.5") as basis points (1250), from 0 to `maximum` per cent.
    static func percent(_ form: inout AdminForm, _ name: String, maximum: Int, display: Display) -> Int? {
        let text = form[name].replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            form.fail(name, display.text("admin.issue.required"))
            return nil
        }
        guard let value = decimal(text, digits: 2), value <= Int64(maximum) * 100 else {
            form.fail(name, display.text("admin.issue.percent", String(maximum)))
            return nil
        }
        return Int(value)
    }

    /// An amount in the currency's major unit ("420.50") as integer minor units, with at most the currency's
    /// minor digits.
    static func amount(_ form: inout AdminForm, _ name: String, currency: String, display: Display) -> Int64? {
        let text = form[name].replacingOccurrences(of: ",", with: "").replacingOccurrences(of: " ", with: "")
        if text.isEmpty {
            form.fail(name, display.text("admin.issue.required"))
            return nil
        }
        let digits = Currency.isValid(currency) ? Currency.minorDigits(currency) : 2
        guard let value = decimal(text, digits: digits) else {
            form.fail(name, display.text("admin.issue.amount", String(digits)))
            return nil
        }
        guard value <= Money.maximumAmountMinor else {
            form.fail(name, display.text("admin.issue.tooLarge"))
            return nil
        }
        return value
    }

    /// A non-negative decimal with at most `digits` fraction digits, scaled to an integer (`"1.5"`, 2 → 150).
    static func decimal(_ text: String, digits: Int) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty || parts.count == 2, whole.count <= 13, whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= digits, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), !(parts.count == 2 && whole.isEmpty && fraction.isEmpty)
        else { return nil }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let padded = fraction + String(repeating: "0", count: digits - fraction.count)
        return (Int64(whole.isEmpty ? "0" : String(whole)) ?? 0) * scale + (Int64(padded.isEmpty ? "0" : padded) ?? 0)
    }

    /// Basis points as a percentage for people: 1250 → "12.5%".
    static func percentText(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        if fraction == 0 { return "\(whole)%" }
        let text = String(format: "%d.%02d", whole, fraction)
        return (text.hasSuffix("0") ? String(text.dropLast()) : text) + "%"
    }

    /// Basis points as the form's input text: 1250 → "12.5".
    static func percentInput(_ basisPoints: Int) -> String {
        String(percentText(basisPoints).dropLast())
    }
}

extension Display {
    /// A role's name in the person's language.
    func role(_ role: Role) -> String { text("admin.role.\(role.rawValue)") }

    /// A list of names joined as the language joins them.
    func list(_ items: [String]) -> String { items.joined(separator: language == .zhHans ? "、" : ", ") }
}
