import Foundation
import Testing

/// The module boundaries as designed, checked against the `import` lines of every source file, so a forbidden
/// arrow fails the build's tests instead of drifting in. Package.swift's target dependencies follow this graph.
@Suite("Module boundaries")
struct ImportGraphTests {
    /// The intended graph, written once: which of the project's own targets each target may import.
    /// `nil` means any (the server target wires every module together).
    static let allowed: [String: Set<String>?] = [
        "LIMSCore": [],
        "Uncertainty": [],
        "Reports": [],
        "Accounts": ["LIMSCore"],
        "Instruments": ["LIMSCore", "Accounts"],
        "Orders": ["LIMSCore", "Accounts", "Instruments"],
        "Samples": ["LIMSCore", "Orders", "Reports"],
        "Scheduling": ["LIMSCore"],
        "Billing": ["LIMSCore", "Orders", "Reports"],
        "Certification": ["LIMSCore", "Scheduling", "Uncertainty", "Reports"],
        "Quality": ["LIMSCore", "Scheduling", "Certification"],
        // Outbound webhooks: reads the customer event feed through LIMSCore and owns its tables.
        "Webhooks": ["LIMSCore"],
        // Management reports read only the modules' published report views, through SQL: no domain module's Swift API.
        "Management": ["LIMSCore"],
        // The web layer sits above every domain module and calls their Swift APIs; no domain module imports it.
        "Web": ["LIMSCore", "Accounts"],
        "Console": ["Web", "LIMSCore", "Accounts", "Instruments", "Orders", "Samples", "Scheduling", "Certification", "Billing", "Uncertainty", "Quality", "Management"],
        "Portal": ["Web", "LIMSCore", "Accounts", "Instruments", "Orders", "Samples", "Certification", "Billing", "Webhooks"],
        "LIMSServer": nil,
        "lims": ["LIMSServer", "LIMSCore", "Accounts", "Certification", "Reports", "Webhooks"],
        "LIMSTestSupport": ["LIMSServer", "LIMSCore", "Accounts", "Certification", "Webhooks"],
    ]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    @Test func everyImportOfAProjectTargetIsAnArrowOfTheGraph() throws {
        let targets = try Self.targets()
        #expect(Set(targets) == Set(Self.allowed.keys), "every target in Sources/ has an entry in the graph, and only those")
        var forbidden: [String] = []
        for target in targets {
            for file in try Self.swiftFiles(in: Self.sources.appendingPathComponent(target)) {
                let text = try String(contentsOf: file, encoding: .utf8)
                for (line, module) in Self.imports(in: text) where targets.contains(module) && module != target {
                    guard case .some(.some(let allowed)) = Self.allowed[target], !allowed.contains(module) else { continue }
                    let path = "Sources/\(target)/\(Self.relativePath(of: file, in: target))"
                    forbidden.append("\(path):\(line): import \(module) (\(target) → \(module) is not in the graph)")
                }
            }
        }
        #expect(forbidden.isEmpty, "imports against the module graph:\n\(forbidden.joined(separator: "\n"))")
    }

    @Test func packageTargetDependenciesFollowTheGraph() throws {
        let manifest = try String(contentsOf: Self.sources.deletingLastPathComponent().appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = Set(try Self.targets())
        var forbidden: [String] = []
        for (target, allowed) in Self.allowed {
            guard let allowed else { continue }
            let declared = Self.declaredDependencies(of: target, in: manifest)?.filter(targets.contains)
            #expect(declared != nil || allowed.isEmpty, "Package.swift declares no dependencies for \(target)")
            for dependency in (declared ?? []) where !allowed.contains(dependency) {
                forbidden.append("Package.swift: \(target) depends on \(dependency)")
            }
        }
        #expect(forbidden.isEmpty, "target dependencies against the module graph:\n\(forbidden.sorted().joined(separator: "\n"))")
    }

    @Test func theImportScannerSeesEveryFormOfImport() {
        let text = """
            import Foundation
            @testable import Orders
            public import struct Accounts.Customer
            internal import Samples // trailing comment
              import Billing
            // import Certification
            let text = "import Reports"
            """
        #expect(Self.imports(in: text).map(\.module) == ["Foundation", "Orders", "Accounts", "Samples", "Billing"])
    }

    // MARK: - Reading the sources

    /// The project's targets: the folders of `Sources/`.
    static func targets() throws -> [String] {
        try FileManager.default.contentsOfDirectory(at: sources, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .map(\.lastPathComponent).sorted()
    }

    static func swiftFiles(in folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
    }

    static func relativePath(of file: URL, in target: String) -> String {
        let base = sources.appendingPathComponent(target).standardizedFileURL.path + "/"
        let path = file.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : file.lastPathComponent
    }

    static let modifiers: Set<String> = ["public", "package", "internal", "fileprivate", "private"]

    /// The quoted names in the `dependencies: [...]` list of the target named `target` in the manifest, or nil.
    static func declaredDependencies(of target: String, in manifest: String) -> [String]? {
        guard let name = manifest.range(of: "name: \"\(target)\""),
              let list = manifest.range(of: "dependencies: [", range: name.upperBound..<manifest.endIndex)
        else { return nil }
        let next = manifest.range(of: "name: \"", range: name.upperBound..<manifest.endIndex)
        // The list must belong to this target: before the next target's name, products' names aside.
        if let next, next.lowerBound < list.lowerBound, !manifest[name.upperBound..<list.lowerBound].contains(".product(") { return nil }
        var depth = 1
        var end = list.upperBound
        while end < manifest.endIndex, depth > 0 {
            if manifest[end] == "[" { depth += 1 } else if manifest[end] == "]" { depth -= 1 }
            end = manifest.index(after: end)
        }
        let pieces = manifest[list.upperBound..<end].split(separator: "\"", omittingEmptySubsequences: false)
        return pieces.enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The modules a file imports, with their line numbers: `import M`, `@testable import M`, `public import M`,
    /// `import struct M.T`, wherever in the file they stand (comments and string literals are not imports).
    static func imports(in text: String) -> [(line: Int, module: String)] {
        let kinds: Set<String> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias", "actor"]
        var found: [(Int, String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = raw.components(separatedBy: "//")[0]
            var words = code.split(whereSeparator: \.isWhitespace)
            while let first = words.first, first.hasPrefix("@") || Self.modifiers.contains(String(first)) {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { continue }
            var path = words[1]
            if kinds.contains(String(path)), words.count >= 3 { path = words[2] }
            found.append((index + 1, String(path.split(separator: ".").first ?? path)))
        }
        return found
    }
}
