import Foundation
import LIMSTestSupport
import Testing

@Suite("LIMS_EVENT_LOOPS")
struct EventLoopSettingTests {
    func serve(loops: String, url: String, port: Int) throws -> LIMSChild {
        try LIMSChild(["serve", "--port", String(port)], environment: ["DATABASE_URL": url, "LIMS_EVENT_LOOPS": loops])
    }

    /// The server's threads that serve HTTP and the database (NIO names them NIO-SGLTN-<group>-#<n>).
    static func eventLoopThreads(of pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? "").hasPrefix("NIO-SGLTN")
        }.count
    }

    @Test(.enabled(if: LIMSChild.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func oneThreadServesAndABadValueIsRefusedByName() async throws {
        let url = try await TestDatabase.makeMigrated().description
        let refused = try serve(loops: "none", url: url, port: 0)
        #expect(refused.wait() != 0)
        #expect(refused.output.contains("LIMS_EVENT_LOOPS"), "\(refused.output)")

        let port = 40000 + Int.random(in: 0..<9000)
        let server = try serve(loops: "1", url: url, port: port)
        defer { server.stop() }
        #expect(await server.waitUntilHealthy(port: port), "\(server.output)")
        #expect(Self.eventLoopThreads(of: server.pid) == 1)
    }
}
