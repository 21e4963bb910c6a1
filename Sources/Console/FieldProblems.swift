import LIMSCore
import Web

/// One form's state on a re-rendered page: the person's input, the message beside each field, and the links of the
/// error summary (`partials/errors` reads them as `errors: [{anchor, label, message}]`).
struct FieldProblems {
    typealias Link = SummaryError

    /// Field name → the text the person typed (kept when the form comes back).
    var values: [String: String] = [:]
    /// Field name → the message shown beside it.
    var messages: [String: String] = [:]
    var summary: [Link] = []

    var isEmpty: Bool { summary.isEmpty }

    /// A message beside `field` (input id `anchor`) and in the summary under `label`.
    mutating func add(_ field: String, anchor: String, label: String, message: String) {
        messages[field] = messages[field].map { "\($0); \(message)" } ?? message
        summary.append(Link(anchor: anchor, label: label, message: message))
    }

    /// The fields of a form: the module's name for each (`amount`), its input's id and its visible label.
    struct Field {
        var name: String
        var anchor: String
        var label: String
    }

    /// Puts a module's field issues beside the form's fields: an issue named `amount.amountMinor` or `serviceCodes[2]`
    /// belongs to the field `amount` or `serviceCodes`; one the form has no field for goes to `fallback`.
    mutating func add(_ issues: [FieldIssue], fields: [Field], fallback: Field, display: Display) {
        for issue in issues {
            let field = fields.first { issue.field == $0.name || issue.field.hasPrefix($0.name + ".") || issue.field.hasPrefix($0.name + "[") }
            let message = Self.translate(issue.message, display: display)
            if let field {
                add(field.name, anchor: field.anchor, label: field.label, message: message)
            } else {
                add(fallback.name, anchor: fallback.anchor, label: fallback.label, message: "\(issue.field) \(message)")
            }
        }
    }

    /// The modules speak English; the few messages every form meets are shown in the page's language.
    static func translate(_ message: String, display: Display) -> String {
        switch message {
        case "is required": display.text("form.required")
        default: message
        }
    }
}
