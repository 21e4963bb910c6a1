import Foundation
import Mustache

/// Renders documents (invoices, certificates) from the Mustache templates of `Resources/templates/`.
///
/// Templates are loaded once, at start-up; a template a module needs but that is missing fails start-up
/// instead of the first request that would use it. HTML templates escape by default; a plain-text template
/// starts with `{{% CONTENT_TYPE: TEXT}}`.
public struct ReportRenderer: Sendable {
    let library: MustacheLibrary
    let directory: String

    /// A template named by a module is not in the templates folder.
    public struct MissingTemplate: Error, CustomStringConvertible {
        public let name: String
        public let directory: String

        public var description: String { "The document template \(name).mustache is missing from \(directory)." }
    }

    public init(library: MustacheLibrary, requiring names: [String], directory: String = "the template library") throws {
        self.library = library
        self.directory = directory
        try require(names)
    }

    /// Throws unless every template of `names` was loaded: a module sharing a renderer checks its own at start-up.
    public func require(_ names: [String]) throws {
        for name in names where library.getTemplate(named: name) == nil {
            throw MissingTemplate(name: name, directory: directory)
        }
    }

    /// Loads every `.mustache` file below `directory` with `MustacheLibrary(directory:)`; throws when one of
    /// `names` (template names without the `.mustache` extension, e.g. `invoice.html`) is missing.
    public static func load(directory: URL, requiring names: [String]) async throws -> ReportRenderer {
        let library = try await MustacheLibrary(directory: directory.path)
        return try ReportRenderer(library: library, requiring: names, directory: directory.path)
    }

    /// The synchronous twin of ``load(directory:requiring:)`` for start-up code that cannot await: reads the
    /// same files and registers them under the same names.
    public init(directory: URL, requiring names: [String]) throws {
        var library = MustacheLibrary()
        let root = directory.standardizedFileURL.path
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        try self.init(library: library, requiring: names, directory: root)
    }

    /// Renders template `name` (e.g. `invoice.html`) with `context` (dictionaries, arrays, strings, Bools).
    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let text = library.render(context, withTemplate: name) else {
            throw MissingTemplate(name: name, directory: directory)
        }
        return text
    }
}
