import Foundation
import LIMSTestSupport
import Testing
import Web

/// Every visible string of the pages comes from the catalogue, in both languages.
@Suite("Web message catalogue")
struct WebCatalogueTests {
    static var web: URL { TestDatabase.projectRoot.appendingPathComponent("Resources/web") }

    @Test func everyKeyATemplateUsesExistsInEveryLanguage() throws {
        let catalogue = try MessageCatalogue(directory: Self.web.appendingPathComponent("messages"))
        let templates = Self.web.appendingPathComponent("templates")
        let files = FileManager.default.enumerator(atPath: templates.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".mustache") } ?? []
        #expect(files.count >= 4)
        var missing: [String] = []
        let pattern = try Regex(#"\{\{\s*[#^/]?\s*t\.([A-Za-z0-9_.]+)\s*\}\}"#)
        for file in files {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                let key = String(text[match.output[1].range!])
                if !catalogue.has(key) { missing.append("\(file): t.\(key)") }
            }
        }
        #expect(missing == [], "template keys missing from the catalogue")
    }

    @Test func languagesThatDisagreeOnTheirKeysFailToLoad() throws {
        #expect(throws: MessageCatalogue.MismatchedKeys.self) {
            _ = try MessageCatalogue(texts: [.en: ["a.b": "A", "a.c": "C"], .zhHans: ["a.b": "甲"]])
        }
    }

    /// `a.b` beside `a.b.c` would give templates a table where they expect text (`{{t.a.b}}` rendered a dictionary once).
    @Test func aKeyThatIsAlsoAPrefixFailsToLoad() throws {
        #expect(throws: MessageCatalogue.LeafAndPrefix.self) {
            _ = try MessageCatalogue(texts: [.en: ["a.b": "A", "a.b.c": "C"], .zhHans: ["a.b": "甲", "a.b.c": "丙"]])
        }
        _ = try MessageCatalogue(texts: [.en: ["a.b": "A", "a.bc": "C"], .zhHans: ["a.b": "甲", "a.bc": "丙"]])
    }

    @Test func everyTextIsTranslatedUnlessItIsANameOrCode() throws {
        // A Chinese text equal to the English one is usually a forgotten translation; the few that are the same on
        // purpose (names of languages, codes, units) are listed.
        let catalogue = try MessageCatalogue(directory: Self.web.appendingPathComponent("messages"))
        let same = catalogue.keys.filter { catalogue.text($0, .en) == catalogue.text($0, .zhHans) && !$0.hasPrefix("language.") }
        let allowed = Set(["layout.brand"])
        #expect(same.filter { !allowed.contains($0) && catalogue.text($0, .en).rangeOfCharacter(from: .letters) != nil }.sorted() == [])
    }
}
