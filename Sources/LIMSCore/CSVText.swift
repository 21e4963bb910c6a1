/// RFC 4180 fields and records for every CSV export, safe to open in a spreadsheet.
///
/// Formula injection: a spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and some also after a leading
/// tab or carriage return) as a formula, so a customer named `=HYPERLINK("http://x")` would become a live link.
/// Every text cell beginning with one of those is prefixed with `'`, which spreadsheets show as text. The one
/// exception is deliberate: a numeric cell the server formats itself (`.number`, e.g. a credit note's `-12.50`) stays
/// a number when it is exactly a plain decimal (`-?digits[.digits]`), which no formula is; anything else in a numeric
/// column is neutralised like text.
public enum CSVText {
    /// How a cell is written: text from people (neutralised), or a decimal the server formatted (kept as a number).
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(String)
    }

    /// One record: fields joined by commas, ended by CRLF.
    public static func record(_ cells: [Cell]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ cell: Cell) -> String {
        switch cell {
        case .text(let value): quoted(neutralised(value))
        case .number(let value): quoted(isPlainDecimal(value) ? value : neutralised(value))
        }
    }

    /// `value` with `'` in front when it begins with a character a spreadsheet reads as the start of a formula.
    public static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }

    /// Quoted when it holds a comma, a double quote, CR or LF, with its quotes doubled.
    public static func quoted(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func isPlainDecimal(_ value: String) -> Bool {
        var digits = value.unicodeScalars[...]
        if digits.first == "-" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
    }
}
