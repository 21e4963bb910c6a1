import Foundation
import Reports
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import Certification

/// The pure pieces behind the documents: the XML writer, D-SI units, display width and the document catalogue.
@Suite("Document writing: XML, D-SI units, display width, catalogue")
struct DocumentWritingTests {
    @Test func theXMLWriterEscapesTextAndAttributesAndDropsWhatXMLCannotCarry() {
        #expect(XMLWriter.escape("a < b & c > d \"q\" 's'") == "a &lt; b &amp; c &gt; d \"q\" 's'")
        #expect(XMLWriter.escape("say \"hi\"\n\tnow", attribute: true) == "say &quot;hi&quot;&#10;&#9;now")
        #expect(XMLWriter.escape("bell\u{7}form\u{C}feed\u{FFFE}") == "bellformfeed")
        #expect(XMLWriter.escape("line\r\nend") == "line&#13;\nend")
        #expect(XMLWriter.escape("中文 ü 😀") == "中文 ü 😀")
        var x = XMLWriter()
        x.element("a:root", [("xmlns:a", "urn:x&y")]) { x in
            x.element("a:leaf", "1 < 2", [("k", "<v>")])
            x.element("a:empty", "")
        }
        #expect(x.xml == """
            <?xml version="1.0" encoding="UTF-8"?>
            <a:root xmlns:a="urn:x&amp;y">
              <a:leaf k="&lt;v&gt;">1 &lt; 2</a:leaf>
              <a:empty></a:empty>
            </a:root>

            """)
    }

    @Test func theWritersOutputParsesBackToTheSameText() throws {
        let tricky = "A&B <Co.> \"Ltd\" ' ]]> 中文 \u{1F600}"
        var x = XMLWriter()
        x.element("root", [("attr", tricky)]) { x in x.element("text", tricky) }
        final class Reader: NSObject, XMLParserDelegate {
            var text = ""
            var attribute: String?
            func parser(_ p: XMLParser, didStartElement n: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                if n == "root" { attribute = attributes["attr"] }
            }
            func parser(_ p: XMLParser, foundCharacters string: String) { text += string }
        }
        let reader = Reader()
        let parser = XMLParser(data: Data(x.xml.utf8))
        parser.delegate = reader
        #expect(parser.parse())
        #expect(reader.attribute == tricky)
        #expect(reader.text.trimmingCharacters(in: .whitespacesAndNewlines) == tricky)
    }

    @Test func unitsGoOutInDSINotationConvertedWithTheStatedFactor() throws {
        #expect(DSIUnit.of("MPa") == DSIUnit(unit: "\\mega\\pascal", factor: 1, conversion: nil))
        #expect(DSIUnit.of("°C")?.unit == "\\degreecelsius")
        #expect(DSIUnit.of("kWh")?.unit == "\\kilo\\watt\\hour")
        let bar = try #require(DSIUnit.of("bar"))
        #expect(bar.unit == "\\kilo\\pascal")
        #expect(bar.convert("10.012") == "1001.2")
        #expect(bar.convert("-0.003") == "-0.3")
        #expect(bar.conversion == "1 bar = 100 kPa")
        let litre = try #require(DSIUnit.of("L"))
        #expect(litre.convert("2.5") == "0.0025")
        #expect(DSIUnit.of("MPa")?.convert("+0.0130") == "0.0130")
        #expect(bar.convert("ten") == nil)
        // Affine or unknown units have no factor: signing refuses them.
        #expect(DSIUnit.of("°F") == nil)
        #expect(DSIUnit.of("furlong") == nil)
    }

    @Test func displayWidthCountsEastAsianCharactersAsTwoColumns() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("校准证书") == 8)
        #expect(DisplayWidth.of("客户 Customer") == 13)
        #expect(DisplayWidth.of("（）") == 4)
        #expect(DisplayWidth.pad("合格", 6) == "合格  ")
        let wrapped = DisplayWidth.wrap("本证书结果仅对所校准/检定的器具有效。The results relate only to the item calibrated.", columns: 20)
        #expect(wrapped.allSatisfy { DisplayWidth.of($0) <= 20 })
        #expect(wrapped.joined().replacingOccurrences(of: " ", with: "") == "本证书结果仅对所校准/检定的器具有效。Theresultsrelateonlytotheitemcalibrated.")
    }

    @Test func everyCatalogueEntryHasBothLanguagesAndBilingualPutsChineseFirst() {
        for (key, entry) in DocumentText.catalogue {
            #expect(!entry.en.isEmpty && !entry.zh.isEmpty, "\(key)")
            if entry.en != entry.zh, entry.en.rangeOfCharacter(from: .letters) != nil, entry.en.count > 2 {
                #expect(entry.zh.unicodeScalars.contains { DisplayWidth.width(of: $0) == 2 }, "\(key) is not translated")
            }
        }
        #expect(DocumentText.text("cert.customer", .bilingual) == "客户 Customer")
        #expect(DocumentText.text("cert.customer", .zhHans) == "客户")
        #expect(DocumentText.text("cert.customer", .en) == "Customer")
        #expect(CertificateIssuing.statements.count == CertificateIssuing.statementsZh.count)
    }

    @Test func theDCCRendererRefusesAUnitItCannotState() throws {
        var document = RenderingBenchmark.sample()
        document.results[0].unit = "°F"
        #expect(throws: DCCRenderer.UnknownUnit.self) { try DCCRenderer.render(document) }
        #expect(DCCRenderer.unknownUnits(document.results).map(\.index) == [0])
    }

    @Test func aValueRecordedInBarGoesOutInKilopascalsWithTheConversionStated() throws {
        var document = RenderingBenchmark.sample()
        document.schema = CertificateIssuing.schema
        document.language = "en"
        document.results = [document.results[0]]
        document.results[0].unit = "bar"
        document.results[0].error = "0.0123"
        document.results[0].expandedUncertainty = "0.0048"
        let xml = try DCCRenderer.render(document)
        #expect(xml.contains("<si:value>1.23</si:value>"))
        #expect(xml.contains("<si:uncertainty>0.48</si:uncertainty>"))
        #expect(xml.contains("<si:unit>\\kilo\\pascal</si:unit>"))
        #expect(xml.contains("1 bar = 100 kPa"))
        #expect(try DCCRenderer.render(document) == xml)
    }
}
