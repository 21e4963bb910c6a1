/// Helpers for plain-text documents laid out in fixed-width columns (80 columns fit any terminal or printer).
public enum PlainText {
    /// Splits `text` into lines of at most `width` characters, breaking at spaces where it can and keeping
    /// the text's own line breaks.
    public static func wrap(_ text: String, width: Int) -> [String] {
        precondition(width > 0, "width must be positive")
        // Text with wide characters wraps by display columns; plain text keeps the character rule it always had.
        if width > 1, text.unicodeScalars.contains(where: { DisplayWidth.width(of: $0) != 1 }) { return DisplayWidth.wrap(text, columns: width) }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                while word.count > width {
                    if !current.isEmpty { lines.append(current); current = "" }
                    lines.append(String(word.prefix(width)))
                    word = word.dropFirst(width)
                }
                if current.isEmpty {
                    current = String(word)
                } else if current.count + 1 + word.count <= width {
                    current += " " + word
                } else {
                    lines.append(current)
                    current = String(word)
                }
            }
            lines.append(current)
        }
        return lines
    }

    /// `text` padded with spaces on the right to `width` display columns (East Asian wide characters count two) (longer text is left as it is).
    public static func padRight(_ text: String, _ width: Int) -> String {
        let columns = DisplayWidth.of(text)
        return columns >= width ? text : text + String(repeating: " ", count: width - columns)
    }

    /// `text` padded with spaces on the left to `width` display columns (longer text is left as it is).
    public static func padLeft(_ text: String, _ width: Int) -> String {
        let columns = DisplayWidth.of(text)
        return columns >= width ? text : String(repeating: " ", count: width - columns) + text
    }
}
