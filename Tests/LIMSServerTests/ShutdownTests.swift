import Foundation
import LIMSTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lims serve` stops on SIGTERM: at once when nothing is in flight, and within LIMS_SHUTDOWN_TIMEOUT when a client
/// holds a request open (here: a body that never finishes, with the body deadline an hour away).
@Suite("Stopping the server")
struct ShutdownTests {
    /// A TCP connection to 127.0.0.1:`port` that has sent `bytes`; its local port.
    static func connect(port: Int, sending bytes: String) throws -> (socket: Int32, localPort: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw TestFailure("connect() failed") }
        let sent = bytes.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, bytes.utf8.count, 0) }
        guard sent == bytes.utf8.count else { close(fd); throw TestFailure("send() sent \(sent) bytes") }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: local.sin_port)))
    }

    /// Whether the server has read everything sent on the connection from `clientPort` (its socket's receive queue in
    /// /proc/net/tcp is empty): the request's head is then in its hands.
    static func serverHasRead(serverPort: Int, clientPort: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
        let local = String(format: "0100007F:%04X", serverPort), remote = String(format: "0100007F:%04X", clientPort)
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[1] == local, fields[2] == remote else { continue }
            return fields[4].split(separator: ":").last == "00000000"
        }
        return false
    }

    static func serve(_ url: String, port: Int) throws -> LIMSChild {
        try LIMSChild(["serve", "--port", String(port)], environment: [
            "DATABASE_URL": url, "LIMS_HTTP_BODY_TIMEOUT": "3600", "LIMS_SHUTDOWN_TIMEOUT": "2s",
        ])
    }

    @Test(.enabled(if: LIMSChild.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func aStopEndsAtOnceOrWithinItsTimeoutWhateverAClientHoldsOpen() async throws {
        let url = try await TestDatabase.makeMigrated().description

        // Nothing in flight: the server stops cleanly without using its time.
        let idlePort = 40000 + Int.random(in: 0..<9000)
        let idle = try Self.serve(url, port: idlePort)
        defer { idle.kill() }
        #expect(await idle.waitUntilHealthy(port: idlePort), "\(idle.output)")
        #expect(await idle.stop(within: .seconds(30)), "still running 30 s after SIGTERM: \(idle.output)")
        #expect(idle.process.terminationStatus == 0, "\(idle.output)")
        #expect(idle.output.contains("stopping: finishing the requests in flight"), "\(idle.output)")
        #expect(!idle.output.contains("still stopping"), "\(idle.output)")

        // A request whose body never comes: without a bound the server would wait the hour of LIMS_HTTP_BODY_TIMEOUT.
        let port = 40000 + Int.random(in: 0..<9000)
        let server = try Self.serve(url, port: port)
        defer { server.kill() }
        #expect(await server.waitUntilHealthy(port: port), "\(server.output)")
        let client = try Self.connect(
            port: port, sending: "POST /v1/orders HTTP/1.1\r\nHost: calibra.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"customerReference\":"
        )
        defer { close(client.socket) }
        var read = false
        for _ in 0..<250 where !read {
            read = Self.serverHasRead(serverPort: port, clientPort: client.localPort)
            if !read { try await Task.sleep(for: .milliseconds(20)) }   // polling for the server's read, not hiding a race
        }
        #expect(read, "the server never read the request")
        let started = ContinuousClock.now
        let stopped = await server.stop(within: .seconds(30))
        let took = ContinuousClock.now - started
        #expect(stopped, "still running 30 s after SIGTERM: \(server.output)")
        #expect(took >= .seconds(2), "it stopped after \(took), before its timeout, though a request was in flight")
        #expect(server.process.terminationStatus == 0, "\(server.output)")
        #expect(server.output.contains("still stopping when LIMS_SHUTDOWN_TIMEOUT ran out"), "\(server.output)")
        #expect(!server.output.contains("unhandled error"), "a cancelled request is not an error: \(server.output)")

        let refused = try LIMSChild.run(["serve", "--port", "0"], environment: ["DATABASE_URL": url, "LIMS_SHUTDOWN_TIMEOUT": "forever"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("LIMS_SHUTDOWN_TIMEOUT must be a duration"), "\(refused.output)")
    }
}
