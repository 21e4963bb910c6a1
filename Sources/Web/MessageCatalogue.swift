import Foundation

/// Every visible string of the web pages, per language, from the plain files of `Resources/web/messages/<language>/`:
/// one `key = text` per line, keys grouped by page (`jobs.claimNext`), `#` starts a comment line. Loaded once at
/// start-up; start-up fails when a language lacks a key another has, so no page can show a hole.
public struct MessageCatalogue: Sendable {
    let texts: [Language: [String: String]]
    /// The same texts as nested dictionaries for templates: `{{t.jobs.claimNext}}`.
    let tables: [Language: NestedTable]

    /// A catalogue whose languages disagree on their keys.
    public struct MismatchedKeys: Error, CustomStringConvertible {
        public let missing: [(language: Language, key: String)]
        public var description: String {
            "Message catalogue keys missing: " + missing.map { "\($0.key) in \($0.language.rawValue)" }.joined(separator: ", ")
        }
    }

    /// A key that is also the start of longer keys (`a.b` and `a.b.c`): templates would see a table where they expect text.
    public struct LeafAndPrefix: Error, CustomStringConvertible {
        public let keys: [String]
        public var description: String { "Message catalogue keys that are also prefixes of other keys: " + keys.joined(separator: ", ") }
    }

    /// A line that is neither a comment, blank, nor `key = text`, or a key given twice.
    public struct BadLine: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    public init(directory: URL) throws {
        var texts: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let folder = directory.appendingPathComponent(language.rawValue)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
            var table: [String: String] = [:]
            for file in files {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let line = raw.trimmingCharacters(in: .whitespaces)
                    if line.isEmpty || line.hasPrefix("#") { continue }
                    guard let equals = line.firstIndex(of: "=") else {
                        throw BadLine(file: "\(language.rawValue)/\(file)", line: number + 1, reason: "expected `key = text`")
                    }
                    let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                    guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" }) else {
                        throw BadLine(file: "\(language.rawValue)/\(file)", line: number + 1, reason: "bad key `\(key)`")
                    }
                    guard table.updateValue(value, forKey: key) == nil else {
                        throw BadLine(file: "\(language.rawValue)/\(file)", line: number + 1, reason: "key `\(key)` given twice")
                    }
                }
            }
            texts[language] = table
        }
        try self.init(texts: texts)
    }

    public init(texts: [Language: [String: String]]) throws {
        let allKeys = Set(texts.values.flatMap(\.keys))
        var missing: [(Language, String)] = []
        for language in Language.allCases {
            let have = Set(texts[language]?.keys ?? [:].keys)
            missing += allKeys.subtracting(have).sorted().map { (language, $0) }
        }
        guard missing.isEmpty else { throw MismatchedKeys(missing: missing) }
        let prefixes = Set(allKeys.flatMap { key in
            key.split(separator: ".").indices.dropLast().map { key.split(separator: ".")[...$0].joined(separator: ".") }
        })
        let both = allKeys.intersection(prefixes)
        guard both.isEmpty else { throw LeafAndPrefix(keys: both.sorted()) }
        self.texts = texts
        self.tables = texts.mapValues(NestedTable.init)
    }

    /// Every key (the same in every language).
    public var keys: Set<String> { Set(texts[.en]?.keys ?? [:].keys) }

    /// The text of `key` in `language`, with `{0}`, `{1}`… replaced by `arguments`; the key itself when unknown
    /// (a test keeps that from happening on any page).
    public func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        format(texts[language]?[key] ?? key, arguments)
    }

    /// Whether `key` exists.
    public func has(_ key: String) -> Bool { texts[.en]?[key] != nil }

    func format(_ template: String, _ arguments: [String]) -> String {
        var result = template
        for (index, argument) in arguments.enumerated() { result = result.replacingOccurrences(of: "{\(index)}", with: argument) }
        return result
    }

    /// The catalogue of `language` as templates see it.
    public func table(_ language: Language) -> [String: Any] { tables[language]?.root ?? [:] }
}

/// Dotted keys as nested dictionaries (`jobs.claimNext` → `["jobs": ["claimNext": …]]`), built once per language.
struct NestedTable: @unchecked Sendable {
    // Immutable after init; holds only Strings and nested dictionaries of them.
    let root: [String: Any]

    init(_ flat: [String: String]) {
        var root: [String: Any] = [:]
        for (key, value) in flat {
            Self.insert(value, path: key.split(separator: ".").map(String.init)[...], into: &root)
        }
        self.root = root
    }

    static func insert(_ value: String, path: ArraySlice<String>, into table: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            table[head] = value
            return
        }
        var child = table[head] as? [String: Any] ?? [:]
        insert(value, path: path.dropFirst(), into: &child)
        table[head] = child
    }
}
