import Foundation
import LIMSServer
import LIMSTestSupport
import Testing

@Suite("Health and readiness")
struct ReadinessTests {
    @Test func healthAndReadyAnswer200() async throws {
        try await TestLab.run { lab in
            #expect(try await lab.api.get("/health").status == .ok)
            let ready = try await lab.api.poll("/ready", until: .ok)
            #expect(ready.status == .ok)
            #expect(try ready.string("status") == "ready")
        }
    }

    @Test func pendingMigrationMakesReady503() async throws {
        // A project copy whose Migrations/ can grow while the server runs.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: TestDatabase.projectRoot.appendingPathComponent("Migrations"), to: root.appendingPathComponent("Migrations"))
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("Resources"), withDestinationURL: TestDatabase.projectRoot.appendingPathComponent("Resources")
        )
        try await TestLab.run(customize: { $0.projectRoot = root }) { lab in
            #expect(try await lab.api.poll("/ready", until: .ok).status == .ok)
            try "SELECT 1;".write(to: root.appendingPathComponent("Migrations/9998_pending.sql"), atomically: true, encoding: .utf8)
            let pending = try await lab.api.poll("/ready", until: .serviceUnavailable)
            #expect(pending.status == .serviceUnavailable)
            #expect(try pending.string("detail").contains("9998_pending.sql"))
        }
    }

    /// Stops and starts a cluster of the test's own (the shared one serves the other tests meanwhile).
    @Test(.enabled(if: LIMSChild.binary != nil))
    func readyGoes503WhileTheDatabaseIsDownAndRecovers() async throws {
        let folder = "/tmp/calibra-ready-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let port = String(56000 + Int.random(in: 0..<3000))
        @Sendable func lims(_ arguments: String...) throws -> String {
            try LIMSChild.run(arguments + ["--dir", folder, "--port", port]).output
        }
        defer {
            _ = try? lims("db", "stop")
            try? FileManager.default.removeItem(atPath: folder)
        }
        _ = try lims("db", "start", "--throwaway")
        let url = try #require(DatabaseURL(try lims("db", "url").trimmingCharacters(in: .whitespacesAndNewlines)))
        try await TestLab.run(customize: { _ in }, on: url) { lab in
            #expect(try await lab.api.poll("/ready", until: .ok).status == .ok)
            _ = try lims("db", "stop")
            let down = try await lab.api.get("/ready")
            #expect(down.status == .serviceUnavailable)
            #expect(down.headers[.contentType]?.contains("json") == true)
            _ = try lims("db", "start")
            #expect(try await lab.api.poll("/ready", until: .ok, within: 100).status == .ok)  // each try waits up to 2 s for the pool to reconnect
        }
    }
}
