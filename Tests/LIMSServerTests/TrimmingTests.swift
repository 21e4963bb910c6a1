import Foundation
import LIMSCore
import Testing

@Suite("Trimming text as Foundation does")
struct TrimmingTests {
    /// Every scalar Foundation counts as white space or a line break, and some it does not (look-alikes, joiners, NUL).
    static let blanks: [Unicode.Scalar] = (0...0xFFFF).compactMap(Unicode.Scalar.init).filter {
        CharacterSet.whitespacesAndNewlines.contains($0)
    }
    static let others: [Unicode.Scalar] = ["a", "字", "\u{0}", "\u{1F}", "\u{200B}", "\u{FEFF}", "\u{301}", "é", "\u{1F600}", "-"]

    @Test func theSameScalarsAreBlank() {
        #expect(Self.blanks.count >= 26)   // at least U+0009–000D, U+0020, U+0085, U+00A0, U+1680, U+2000–200A, U+2028–2029, U+202F, U+205F, U+3000
        for scalar in Self.blanks + Self.others {
            let text = "\(scalar)x\(scalar)"
            #expect(text.trimmed() == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func randomTextTrimsAlike() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Self.blanks + Self.others
        for _ in 0..<2000 {
            let length = Int.random(in: 0...8, using: &generator)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length { scalars.append(alphabet.randomElement(using: &generator)!) }
            let text = String(scalars)
            #expect(text.trimmed() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(text.unicodeScalars.map(\.value)))")
            let sub = text.dropFirst(min(1, text.count))
            #expect(sub.trimmed() == sub.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect("  PO-1 \n".trimmed() == "PO-1")
        #expect(" \t\r\n ".trimmed().isEmpty)
    }
}

@Suite("Random UUIDs")
struct RandomUUIDTests {
    @Test func theyAreVersion4WithTheRFCVariantAndDoNotRepeat() {
        var seen: Set<UUID> = []
        for _ in 0..<10_000 {
            let id = UUID.random()
            #expect(id.uuid.6 >> 4 == 4)
            #expect(id.uuid.8 >> 6 == 0b10)
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
        // The bits that are random are: across many ids, every one of the 122 is set somewhere and clear somewhere.
        var ones = [Int](repeating: 0, count: 128)
        for id in seen {
            withUnsafeBytes(of: id.uuid) { bytes in
                for bit in 0..<128 where bytes[bit / 8] & (1 << (bit % 8)) != 0 { ones[bit] += 1 }
            }
        }
        let varying = ones.filter { $0 > 0 && $0 < seen.count }.count
        #expect(varying == 122)
    }
}
