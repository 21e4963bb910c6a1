import Foundation
import Hummingbird
import LIMSServer
import LIMSTestSupport
import Testing

@Suite("The OpenAPI document")
struct OpenAPIDocumentTests {
    /// `METHOD /path` for every operation of Resources/openapi.yaml.
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: TestDatabase.projectRoot.appendingPathComponent("Resources/openapi.yaml"), encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { inPaths = false; continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(method) { operations.insert("\(method) \(path)") }
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let documented = try Self.documentedOperations()
        try await TestLab.run { lab in
            // The web pages (`/console`, `/static`) are HTML for people, described in UI.md, not API operations.
            let registered = Set(
                try await registeredRoutes(lab.configuration).filter { !Self.isWebPage($0.path) }.map { "\($0.method) \($0.path)" }
            )
            #expect(registered.subtracting(documented).sorted() == [], "registered but not documented")
            #expect(documented.subtracting(registered).sorted() == [], "documented but not registered")
            let served = try await lab.api.get("/openapi.yaml")
            #expect(served.status == .ok)
            #expect(served.text.hasPrefix("openapi: 3.1"))
        }
    }

    static func isWebPage(_ path: String) -> Bool {
        path.hasPrefix("/console") || path.hasPrefix("/portal") || path.hasPrefix("/static/")
    }
}
