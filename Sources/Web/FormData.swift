import Foundation
import LIMSCore

/// An `application/x-www-form-urlencoded` body, decoded once: every field name with its values in order. Text that
/// breaks the input rule (``InputRules``: NUL and other control characters, over-long text) is reported per field
/// with ``problems`` so the page can show it beside the field; it never reaches a module.
public struct FormData: Sendable {
    public private(set) var fields: [(name: String, value: String)]
    /// Field name → why its text was refused.
    public private(set) var problems: [String: String]

    public init(fields: [(name: String, value: String)]) {
        self.fields = []
        self.problems = [:]
        for (name, value) in fields {
            if let reason = Self.violation(value) {
                problems[name] = reason
                self.fields.append((name, ""))
            } else {
                self.fields.append((name, value))
            }
        }
    }

    /// Decodes a url-encoded body (`+` is a space; bad percent escapes keep their text as typed).
    public init(urlEncoded body: String) {
        var pairs: [(String, String)] = []
        for part in body.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((name, value))
        }
        self.init(fields: pairs)
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func violation(_ value: String) -> String? {
        for scalar in value.unicodeScalars {
            if let reason = InputRules.bodyViolation(scalar) { return reason }
        }
        return value.count > InputRules.maxStringLength ? "must be at most \(InputRules.maxStringLength) characters" : nil
    }

    /// The first value of `name`, trimmed; `nil` when absent or blank.
    public subscript(_ name: String) -> String? {
        guard let value = fields.first(where: { $0.name == name })?.value.trimmed(), !value.isEmpty
        else { return nil }
        return value
    }

    /// Every value of `name` in order, untrimmed (checkbox groups, repeated rows).
    public func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// The distinct indices used in names like `points[3].nominal` for `prefix` `points`, ascending.
    public func indices(of prefix: String) -> [Int] {
        let start = prefix + "["
        let found = fields.compactMap { field -> Int? in
            guard field.name.hasPrefix(start), let end = field.name.dropFirst(start.count).firstIndex(of: "]") else { return nil }
            return Int(field.name[field.name.index(field.name.startIndex, offsetBy: start.count)..<end])
        }
        return Array(Set(found)).sorted()
    }
}
