/// The one rule for text that reaches the server, applied to every JSON body, path and query string
/// before any handler runs (see `JSONBodyScan`):
///
/// - U+0000 is refused everywhere: PostgreSQL cannot store it in `text`, and no field needs it.
/// - Other control characters (C0, DEL and C1, U+0080 to U+009F) are refused too: they have no place in lab records and only hide
///   text from people reading logs, certificates or CSV exports. Tab, line feed and carriage return stay
///   allowed in body strings (free-text notes have lines); path and query text allows none of them.
/// - No string in a body is longer than `maxStringLength` characters; fields with tighter limits check
///   those themselves and name them in the same 422.
/// - JSON nests at most `maxDepth` levels: the API never needs more than a handful, and a cap keeps a
///   hostile body from costing more than its length.
public enum InputRules {
    public static let maxDepth = 32
    public static let maxStringLength = 10_000

    /// Why `scalar` may not appear in body text, or `nil` when it may.
    public static func bodyViolation(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0: "must not contain the NUL character (U+0000)"
        case 0x09, 0x0A, 0x0D: nil
        case 0x01...0x1F, 0x7F...0x9F: "must not contain control characters"
        default: nil
        }
    }

    /// Why `text` (a decoded path segment or query value) is refused, or `nil` when it is fine.
    public static func lineViolation(_ text: Substring) -> String? {
        for scalar in text.unicodeScalars {
            if scalar.value == 0 { return "must not contain the NUL character (U+0000)" }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return "must not contain control characters" }
        }
        return nil
    }
}
