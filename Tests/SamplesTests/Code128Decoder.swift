import Foundation
import Samples

/// Reads a Code 128 barcode back: bar and space widths to symbols through the Code 128 table, checksum verified,
/// then code sets B and C to text. Written apart from the encoder so a test proves what a scanner would read.
enum Code128Decoder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let values: [[Int]: Int] = Dictionary(uniqueKeysWithValues: Code128.patterns.enumerated().map { ($0.element, $0.offset) })

    /// Decodes alternating bar/space widths (bar first, no quiet zones).
    static func decode(widths: [Int]) throws -> String {
        guard widths.count >= 6 * 3 + 7, (widths.count - 7) % 6 == 0 else { throw Failure(description: "\(widths.count) elements") }
        guard widths.suffix(7) == [2, 3, 3, 1, 1, 1, 2] else { throw Failure(description: "no stop pattern") }
        var symbols: [Int] = []
        for start in stride(from: 0, to: widths.count - 7, by: 6) {
            let pattern = Array(widths[start..<start + 6])
            guard let value = values[pattern], value < 106 else { throw Failure(description: "unknown pattern \(pattern)") }
            symbols.append(value)
        }
        let check = symbols.removeLast()
        var sum = symbols[0]
        for (position, value) in symbols.enumerated().dropFirst() { sum += position * value }
        guard sum % 103 == check else { throw Failure(description: "checksum \(check), expected \(sum % 103)") }
        var codeSetC: Bool
        switch symbols[0] {
        case 104: codeSetC = false
        case 105: codeSetC = true
        default: throw Failure(description: "unsupported start symbol \(symbols[0])")
        }
        var text = ""
        for value in symbols.dropFirst() {
            if codeSetC {
                switch value {
                case 0...99: text += String(format: "%02d", value)
                case 100: codeSetC = false
                default: throw Failure(description: "symbol \(value) in code set C")
                }
            } else {
                switch value {
                case 0...94: text.append(Character(UnicodeScalar(UInt8(value + 32))))
                case 99: codeSetC = true
                default: throw Failure(description: "symbol \(value) in code set B")
                }
            }
        }
        return text
    }

    /// The bar and space widths of an SVG barcode: each `<rect>` is a bar, the gaps between them are spaces.
    static func widths(svg: String) throws -> [Int] {
        let regex = try Regex(#"<rect x="(\d+)" y="0" width="(\d+)""#)
        let bars = svg.matches(of: regex).compactMap { match -> (x: Int, width: Int)? in
            guard let x = match.output[1].substring.flatMap({ Int($0) }), let width = match.output[2].substring.flatMap({ Int($0) }) else {
                return nil
            }
            return (x, width)
        }.sorted { $0.x < $1.x }
        var widths: [Int] = []
        for (index, bar) in bars.enumerated() {
            if index > 0 { widths.append(bar.x - (bars[index - 1].x + bars[index - 1].width)) }
            widths.append(bar.width)
        }
        return widths
    }

    /// The first inline `<svg …>…</svg>` of an HTML page.
    static func svg(in html: String) throws -> String {
        guard let start = html.range(of: "<svg"), let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else {
            throw Failure(description: "no inline SVG")
        }
        return String(html[start.lowerBound..<end.upperBound])
    }
}
