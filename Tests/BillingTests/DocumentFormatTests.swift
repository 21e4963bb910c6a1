import LIMSCore
import Reports
import Testing

@Suite("Document negotiation and plain-text layout")
struct DocumentFormatTests {
    @Test func acceptHeaderChoosesTheDocumentFormat() {
        #expect(DocumentFormat.negotiate(accept: nil) == .json)
        #expect(DocumentFormat.negotiate(accept: "*/*") == .json)
        #expect(DocumentFormat.negotiate(accept: "application/json") == .json)
        #expect(DocumentFormat.negotiate(accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") == .html)
        #expect(DocumentFormat.negotiate(accept: "text/plain") == .text)
        #expect(DocumentFormat.negotiate(accept: "text/html;q=0.5, text/plain") == .text)
        #expect(DocumentFormat.negotiate(accept: "text/plain;q=0, application/json") == .json)
        #expect(DocumentFormat.negotiate(accept: "image/png") == nil)
    }

    @Test func wrapBreaksAtSpacesAndSplitsOverlongWords() {
        #expect(PlainText.wrap("one two three", width: 7) == ["one two", "three"])
        #expect(PlainText.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(PlainText.wrap("a\nb", width: 10) == ["a", "b"])
        #expect(PlainText.padLeft("7", 3) == "  7")
        #expect(PlainText.padRight("7", 3) == "7  ")
    }
}
