/// Helpers for plain-text documents laid out in fixed-width columns (80 columns fit any terminal or printer).
public enum PlainText {
    /// Splits `text` into lines of at most `width` characters, breaking at spaces where it can and keeping
    /// the text's own line breaks.
    public static func wrap(_ text: String, width: Int) -> [String] {
        precondition(width > 0, "width must be positive")
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

    /// `text` padded with spaces on the right to `width` characters (longer text is left as it is).
    public static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `text` padded with spaces on the left to `width` characters (longer text is left as it is).
    public static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
