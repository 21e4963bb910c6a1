import Foundation
import LIMSTestSupport
import Testing

@Suite("LIMS_EVENT_LOOPS")
struct EventLoopSettingTests {
    static let binary = ProcessInfo.processInfo.environment["LIMS_TEST_LIMS_BINARY"]

    func serve(loops: String, url: String, port: Int) throws -> (process: Process, log: URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.binary))
        process.arguments = ["serve", "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url
        environment["LIMS_ROOT"] = TestDatabase.projectRoot.path
        environment["LIMS_EVENT_LOOPS"] = loops
        process.environment = environment
        let log = URL(fileURLWithPath: "/tmp/calibra-loops-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log)
    }

    /// The server's threads that serve HTTP and the database (NIO names them NIO-SGLTN-<group>-#<n>).
    static func eventLoopThreads(of pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? "").hasPrefix("NIO-SGLTN")
        }.count
    }

    /// `GET /health` answers 200 (curl, as the README's set-up uses).
    static func healthy(port: Int) -> Bool {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-fsS", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:\(port)/health"]
        curl.standardOutput = FileHandle.nullDevice
        curl.standardError = FileHandle.nullDevice
        guard (try? curl.run()) != nil else { return false }
        curl.waitUntilExit()
        return curl.terminationStatus == 0
    }

    @Test(.enabled(if: binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func oneThreadServesAndABadValueIsRefusedByName() async throws {
        let url = try await TestDatabase.makeMigrated().description
        let refused = try serve(loops: "none", url: url, port: 0)
        refused.process.waitUntilExit()
        let message = try String(contentsOf: refused.log, encoding: .utf8)
        try? FileManager.default.removeItem(at: refused.log)
        #expect(refused.process.terminationStatus != 0)
        #expect(message.contains("LIMS_EVENT_LOOPS"), "\(message)")

        let port = 40000 + Int.random(in: 0..<9000)
        let (process, log) = try serve(loops: "1", url: url, port: port)
        defer {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: log)
        }
        var answered = false
        for _ in 0..<150 where !answered {
            if Self.healthy(port: port) {
                answered = true
            } else {
                try await Task.sleep(for: .milliseconds(200))   // polling for the server to come up, not hiding a race
            }
        }
        #expect(answered, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(Self.eventLoopThreads(of: process.processIdentifier) == 1)
    }
}
