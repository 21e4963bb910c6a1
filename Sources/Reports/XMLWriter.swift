/// A small, deterministic XML writer: elements, attributes in the order given, text escaped for XML 1.0, two-space
/// indentation. It writes nothing it was not told to (no timestamps, no generated ids), so the same calls always give
/// the same bytes. Characters XML 1.0 cannot carry at all (most C0 controls) are dropped rather than written.
public struct XMLWriter: Sendable {
    private var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var open: [String] = []
    /// Whether the innermost open element has had a child element written yet (then its end tag goes on its own line).
    private var hasChildren: [Bool] = []

    public init() {}

    /// The document so far; complete once every element was ended.
    public var xml: String { output }

    /// Opens `name` with `attributes`; close it with ``end()``.
    public mutating func start(_ name: String, _ attributes: [(String, String)] = []) {
        if !hasChildren.isEmpty { hasChildren[hasChildren.count - 1] = true }
        output += indent + "<" + name + Self.attributes(attributes) + ">\n"
        open.append(name)
        hasChildren.append(true)
    }

    /// Closes the innermost open element.
    public mutating func end() {
        guard let name = open.popLast() else { preconditionFailure("XMLWriter.end() without an open element") }
        hasChildren.removeLast()
        output += indent + "</" + name + ">\n"
    }

    /// `<name attributes>text</name>` on one line.
    public mutating func element(_ name: String, _ text: String, _ attributes: [(String, String)] = []) {
        output += indent + "<" + name + Self.attributes(attributes) + ">" + Self.escape(text) + "</" + name + ">\n"
    }

    /// `start`, the body, `end`.
    public mutating func element(_ name: String, _ attributes: [(String, String)] = [], _ body: (inout XMLWriter) -> Void) {
        start(name, attributes)
        body(&self)
        end()
    }

    private var indent: String { String(repeating: "  ", count: open.count) }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1, attribute: true))\"" }.joined()
    }

    /// Escapes `&`, `<`, `>` (and in attributes `"`, tab, line feed and carriage return, which attribute-value
    /// normalisation would otherwise turn into spaces); drops characters XML 1.0 does not allow.
    public static func escape(_ text: String, attribute: Bool = false) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "\t" where attribute: result += "&#9;"
            case "\n" where attribute: result += "&#10;"
            case "\r": result += "&#13;"
            default:
                guard isAllowed(scalar) else { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// XML 1.0 `Char`: tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
