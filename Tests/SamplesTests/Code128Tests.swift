import Samples
import Testing

@Suite("Code 128")
struct Code128Tests {
    @Test(arguments: ["ITM-2026-000001", "A", "1234", "12345", "Hello, World!", "x9y88z777w6666", "000000", "CERT-2026-000001-R1", "~ {|}"])
    func encodedTextDecodesBackToItself(text: String) throws {
        let widths = try #require(Code128.widths(for: text))
        #expect(try Code128Decoder.decode(widths: widths) == text)
        let svg = try #require(Code128.svg(text))
        #expect(try Code128Decoder.decode(widths: Code128Decoder.widths(svg: svg)) == text)
    }

    @Test func digitRunsUseCodeSetC() throws {
        let symbols = try #require(Code128.symbols(for: "ITM-2026-000001"))
        // Start B, I T M -, Code C, 20 26, Code B, -, Code C, 00 00 01, check, stop.
        #expect(symbols.count == 16)
        #expect(symbols.first == Code128.startB)
        #expect(Code128.symbols(for: "123456")?.first == Code128.startC)
        #expect(Code128.symbols(for: "123456")?.count == 6)
    }

    @Test func theTableHasTheShapeTheStandardGivesIt() {
        #expect(Code128.patterns.count == 107)
        #expect(Set(Code128.patterns).count == 107)
        for pattern in Code128.patterns.dropLast() {
            #expect(pattern.count == 6 && pattern.reduce(0, +) == 11)
            #expect((pattern[0] + pattern[2] + pattern[4]) % 2 == 0, "bars of a symbol cover an even number of modules")
        }
        #expect(Code128.patterns[Code128.startB] == [2, 1, 1, 2, 1, 4])
        #expect(Code128.patterns[Code128.stop] == [2, 3, 3, 1, 1, 1, 2])
        #expect(Code128.patterns[33] == [1, 1, 1, 3, 2, 3])  // "A" in code set B
    }

    @Test func textOutsidePrintableASCIIIsRefused() {
        #expect(Code128.symbols(for: "") == nil)
        #expect(Code128.symbols(for: "Zürich") == nil)
        #expect(Code128.symbols(for: "tab\there") == nil)
    }
}
