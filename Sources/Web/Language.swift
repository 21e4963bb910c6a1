import Foundation

/// A language the web pages speak. `?lang=` sets it in a cookie; without one, `Accept-Language` decides.
public enum Language: String, Sendable, CaseIterable {
    case en
    case zhHans = "zh-Hans"

    /// The language for a request: an explicit choice (query or cookie) first, then the browser's preference.
    public static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(tag: query) { return language }
        if let cookie, let language = Language(tag: cookie) { return language }
        return acceptLanguage.map(preferred(in:)) ?? .en
    }

    /// A language from a tag as people and browsers write it (`zh`, `zh-CN`, `zh-Hans`, `en-GB`…); `nil` for others.
    public init?(tag: String) {
        let tag = tag.trimmingCharacters(in: .whitespaces).lowercased()
        if tag == "en" || tag.hasPrefix("en-") { self = .en; return }
        if tag == "zh" || tag.hasPrefix("zh-") {
            // Traditional Chinese is not offered; Simplified is the closer of the two languages we have.
            self = .zhHans
            return
        }
        return nil
    }

    /// The first supported language by the weights of an `Accept-Language` header (`en` when none is supported).
    static func preferred(in header: String) -> Language {
        let ranked: [(Language, Double, Int)] = header.split(separator: ",").enumerated().compactMap { index, part in
            let fields = part.split(separator: ";")
            guard let first = fields.first, let language = Language(tag: String(first)) else { return nil }
            var weight = 1.0
            for field in fields.dropFirst() {
                let pair = field.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("q="), let value = Double(pair.dropFirst(2)) { weight = value }
            }
            return weight > 0 ? (language, weight, index) : nil
        }
        return ranked.sorted { $0.1 == $1.1 ? $0.2 < $1.2 : $0.1 > $1.1 }.first?.0 ?? .en
    }
}
