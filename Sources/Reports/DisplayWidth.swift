/// Terminal display width: East Asian wide and fullwidth characters (CJK ideographs, kana, hangul, fullwidth forms)
/// take two columns, combining marks none, everything else one. The text forms of documents pad and wrap by this
/// width, so columns stay aligned in a terminal when Chinese text is in them.
public enum DisplayWidth {
    /// The columns `text` takes in a terminal.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        text.unicodeScalars.reduce(0) { $0 + width(of: $1) }
    }

    /// The columns one scalar takes (0, 1 or 2), after Unicode's East_Asian_Width W and F ranges.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 || (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v) { return 0 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD,
             0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text` followed by spaces up to `columns` display columns (longer text gets one space, so columns never touch).
    public static func pad(_ text: String, _ columns: Int) -> String {
        let width = of(text)
        return width >= columns ? text + " " : text + String(repeating: " ", count: columns - width)
    }

    /// Splits `text` into lines of at most `columns` display columns, at spaces where it can; a run of wide characters
    /// (Chinese has no spaces) breaks anywhere.
    public static func wrap(_ text: String, columns: Int) -> [String] {
        precondition(columns > 1, "columns must exceed one")
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var currentWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let wordWidth = of(word)
                let separator = current.isEmpty ? 0 : 1
                if currentWidth + separator + wordWidth <= columns {
                    if separator == 1 { current += " " }
                    current += word
                    currentWidth += separator + wordWidth
                    continue
                }
                if !current.isEmpty, wordWidth <= columns {
                    lines.append(current)
                    current = String(word)
                    currentWidth = wordWidth
                    continue
                }
                // Too long for any line: break it by characters, filling the current line first.
                if separator == 1, currentWidth + 1 < columns { current += " "; currentWidth += 1 } else if !current.isEmpty {
                    lines.append(current); current = ""; currentWidth = 0
                }
                for character in word {
                    let w = of(String(character))
                    if currentWidth + w > columns { lines.append(current); current = ""; currentWidth = 0 }
                    current.append(character)
                    currentWidth += w
                }
            }
            lines.append(current)
        }
        return lines
    }
}
