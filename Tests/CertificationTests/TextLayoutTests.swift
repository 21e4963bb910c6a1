import Testing

@testable import Certification

@Suite("Certificate text layout")
struct TextLayoutTests {
    @Test func longLinesWrapTo80ColumnsKeepingIndentation() {
        let long = "    " + String(repeating: "Traceable to the national primary standards of China ", count: 4)
        let fitted = CertificateRenderer.fitTo80Columns("Title\n\(long)\nEnd")
        let lines = fitted.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Title")
        #expect(lines.last == "End")
        #expect(lines.count > 3)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[1].hasPrefix("    Traceable"))
        #expect(lines[2].hasPrefix("      "))
        // Nothing is lost: the words are all still there, in order.
        #expect(fitted.split(whereSeparator: { $0 == " " || $0 == "\n" }) == "Title\n\(long)\nEnd".split(whereSeparator: { $0 == " " || $0 == "\n" }))
    }
}
