/// Code 128 (ISO/IEC 15417) barcodes, drawn by the project itself so a label needs no external asset.
///
/// Text is encoded in code set B (printable ASCII), switching to code set C (two digits per symbol) for runs
/// of four or more digits, which keeps lab numbers such as `ITM-2026-000123` short enough to scan from a 62 mm label.
public enum Code128 {
    /// Symbol values with a meaning of their own.
    public static let codeC = 99
    public static let codeB = 100
    public static let startB = 104
    public static let startC = 105
    public static let stop = 106

    /// Bar and space widths in modules, bar first, for every symbol value 0…106 (the stop pattern has 7 elements).
    public static let patterns: [[Int]] = [
        [2, 1, 2, 2, 2, 2], [2, 2, 2, 1, 2, 2], [2, 2, 2, 2, 2, 1], [1, 2, 1, 2, 2, 3], [1, 2, 1, 3, 2, 2],
        [1, 3, 1, 2, 2, 2], [1, 2, 2, 2, 1, 3], [1, 2, 2, 3, 1, 2], [1, 3, 2, 2, 1, 2], [2, 2, 1, 2, 1, 3],
        [2, 2, 1, 3, 1, 2], [2, 3, 1, 2, 1, 2], [1, 1, 2, 2, 3, 2], [1, 2, 2, 1, 3, 2], [1, 2, 2, 2, 3, 1],
        [1, 1, 3, 2, 2, 2], [1, 2, 3, 1, 2, 2], [1, 2, 3, 2, 2, 1], [2, 2, 3, 2, 1, 1], [2, 2, 1, 1, 3, 2],
        [2, 2, 1, 2, 3, 1], [2, 1, 3, 2, 1, 2], [2, 2, 3, 1, 1, 2], [3, 1, 2, 1, 3, 1], [3, 1, 1, 2, 2, 2],
        [3, 2, 1, 1, 2, 2], [3, 2, 1, 2, 2, 1], [3, 1, 2, 2, 1, 2], [3, 2, 2, 1, 1, 2], [3, 2, 2, 2, 1, 1],
        [2, 1, 2, 1, 2, 3], [2, 1, 2, 3, 2, 1], [2, 3, 2, 1, 2, 1], [1, 1, 1, 3, 2, 3], [1, 3, 1, 1, 2, 3],
        [1, 3, 1, 3, 2, 1], [1, 1, 2, 3, 1, 3], [1, 3, 2, 1, 1, 3], [1, 3, 2, 3, 1, 1], [2, 1, 1, 3, 1, 3],
        [2, 3, 1, 1, 1, 3], [2, 3, 1, 3, 1, 1], [1, 1, 2, 1, 3, 3], [1, 1, 2, 3, 3, 1], [1, 3, 2, 1, 3, 1],
        [1, 1, 3, 1, 2, 3], [1, 1, 3, 3, 2, 1], [1, 3, 3, 1, 2, 1], [3, 1, 3, 1, 2, 1], [2, 1, 1, 3, 3, 1],
        [2, 3, 1, 1, 3, 1], [2, 1, 3, 1, 1, 3], [2, 1, 3, 3, 1, 1], [2, 1, 3, 1, 3, 1], [3, 1, 1, 1, 2, 3],
        [3, 1, 1, 3, 2, 1], [3, 3, 1, 1, 2, 1], [3, 1, 2, 1, 1, 3], [3, 1, 2, 3, 1, 1], [3, 3, 2, 1, 1, 1],
        [3, 1, 4, 1, 1, 1], [2, 2, 1, 4, 1, 1], [4, 3, 1, 1, 1, 1], [1, 1, 1, 2, 2, 4], [1, 1, 1, 4, 2, 2],
        [1, 2, 1, 1, 2, 4], [1, 2, 1, 4, 2, 1], [1, 4, 1, 1, 2, 2], [1, 4, 1, 2, 2, 1], [1, 1, 2, 2, 1, 4],
        [1, 1, 2, 4, 1, 2], [1, 2, 2, 1, 1, 4], [1, 2, 2, 4, 1, 1], [1, 4, 2, 1, 1, 2], [1, 4, 2, 2, 1, 1],
        [2, 4, 1, 2, 1, 1], [2, 2, 1, 1, 1, 4], [4, 1, 3, 1, 1, 1], [2, 4, 1, 1, 1, 2], [1, 3, 4, 1, 1, 1],
        [1, 1, 1, 2, 4, 2], [1, 2, 1, 1, 4, 2], [1, 2, 1, 2, 4, 1], [1, 1, 4, 2, 1, 2], [1, 2, 4, 1, 1, 2],
        [1, 2, 4, 2, 1, 1], [4, 1, 1, 2, 1, 2], [4, 2, 1, 1, 1, 2], [4, 2, 1, 2, 1, 1], [2, 1, 2, 1, 4, 1],
        [2, 1, 4, 1, 2, 1], [4, 1, 2, 1, 2, 1], [1, 1, 1, 1, 4, 3], [1, 1, 1, 3, 4, 1], [1, 3, 1, 1, 4, 1],
        [1, 1, 4, 1, 1, 3], [1, 1, 4, 3, 1, 1], [4, 1, 1, 1, 1, 3], [4, 1, 1, 3, 1, 1], [1, 1, 3, 1, 4, 1],
        [1, 1, 4, 1, 3, 1], [3, 1, 1, 1, 4, 1], [4, 1, 1, 1, 3, 1], [2, 1, 1, 4, 1, 2], [2, 1, 1, 2, 1, 4],
        [2, 1, 1, 2, 3, 2], [2, 3, 3, 1, 1, 1, 2],
    ]

    /// The symbol values for `text`: start code, data, checksum (mod 103) and stop. `nil` when `text` is empty or
    /// holds a character outside printable ASCII, which code sets B and C cannot carry.
    public static func symbols(for text: String) -> [Int]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (32...126).contains($0) }) else { return nil }
        var data: [Int] = []
        var current: CodeSet?
        func use(_ set: CodeSet) {
            if current == nil {
                data.append(set == .c ? startC : startB)
            } else if current != set {
                data.append(set == .c ? codeC : codeB)
            }
            current = set
        }
        var index = 0
        while index < bytes.count {
            let run = bytes[index...].prefix(while: isDigit).count
            if run >= 4 {
                if run % 2 == 1 {  // the odd digit goes in code set B, the even rest in code set C
                    use(.b)
                    data.append(Int(bytes[index]) - 32)
                    index += 1
                }
                use(.c)
                let end = index + run / 2 * 2
                for pair in stride(from: index, to: end, by: 2) {
                    data.append(Int(bytes[pair] - 48) * 10 + Int(bytes[pair + 1] - 48))
                }
                index = end
            } else {
                use(.b)
                data.append(Int(bytes[index]) - 32)
                index += 1
            }
        }
        return data + [checksum(data), stop]
    }

    /// The mod-103 check symbol: the start value plus each data symbol weighted by its position.
    public static func checksum(_ symbols: [Int]) -> Int {
        var sum = symbols.first ?? 0
        for (position, value) in symbols.enumerated().dropFirst() { sum += position * value }
        return sum % 103
    }

    /// Alternating bar and space widths in modules, bar first, for `text` (without quiet zones).
    public static func widths(for text: String) -> [Int]? {
        symbols(for: text).map { $0.flatMap { patterns[$0] } }
    }

    /// The barcode as inline SVG, one `<rect>` per bar with `x` and `width` in modules, and a quiet zone of
    /// `quietZone` modules either side. It stretches to whatever box the page gives it.
    public static func svg(_ text: String, height: Int = 40, quietZone: Int = 10) -> String? {
        guard let widths = widths(for: text) else { return nil }
        var x = quietZone
        var bars = ""
        for (index, width) in widths.enumerated() {
            if index % 2 == 0 { bars += "<rect x=\"\(x)\" y=\"0\" width=\"\(width)\" height=\"\(height)\"/>" }
            x += width
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 \(x + quietZone) \(height)" \
            preserveAspectRatio="none" shape-rendering="crispEdges" role="img" aria-label="\(HTML.escape(text))">\
            <g fill="#000">\(bars)</g></svg>
            """
    }

    enum CodeSet { case b, c }

    static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
}
