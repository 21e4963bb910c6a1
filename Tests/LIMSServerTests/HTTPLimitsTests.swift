import Foundation
import Hummingbird
import HummingbirdTesting
import LIMSServer
import LIMSTestSupport
import NIOCore
import NIOPosix
import Testing

/// Slow-loris defences, against the application listening on a real port: deadlines for a request's headers, its
/// body and an idle kept-alive connection, and the cap on open connections.
@Suite("HTTP deadlines and the connection cap", .serialized)
struct HTTPLimitsTests {
    static let long = Duration.seconds(30)
    static let short = Duration.milliseconds(600)
    /// Scheduling slack on a busy machine: a deadline must fire after its time and well before the long ones.
    static let slack = Duration.seconds(10)  // still a third of `long`: the short deadline is what closed the connection

    static func withServer(_ limits: HTTPLimits, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let url = try await TestDatabase.makeMigrated()
        let configuration = AppConfiguration(
            host: "127.0.0.1", port: 0, database: url, logLevel: .warning, bcryptCost: 4, projectRoot: TestDatabase.projectRoot,
            signingKeyPath: FileManager.default.temporaryDirectory.appendingPathComponent("calibra-no-key-\(UUID().uuidString)/key.pem"),
            http: limits
        )
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    static let health = "GET /health HTTP/1.1\r\nHost: calibra.test\r\n\r\n"

    @Test func aHalfSentRequestLineIsClosedWithinTheHeaderTimeout() async throws {
        try await Self.withServer(HTTPLimits(headerTimeout: Self.short, bodyTimeout: Self.long, idleTimeout: Self.long)) { port in
            let connection = try await RawConnection.open(port: port)
            try await connection.send("GET /health HT")
            let start = ContinuousClock.now
            let closed = try await connection.waitForClose(within: Self.long)
            let elapsed = ContinuousClock.now - start
            #expect(closed)
            #expect(elapsed >= Self.short * 0.9 && elapsed < Self.short + Self.slack, "closed after \(elapsed)")

            // Headers that trickle in are held to the same deadline from their first byte.
            let trickle = try await RawConnection.open(port: port)
            let began = ContinuousClock.now
            for part in ["GET /health", " HTTP/1.1\r\n", "Host: calibra.test\r\n"] { try await trickle.send(part) }
            #expect(try await trickle.waitForClose(within: Self.long))
            #expect(ContinuousClock.now - began < Self.short + Self.slack)

            // A whole request is answered.
            let whole = try await RawConnection.open(port: port)
            try await whole.send(Self.health)
            #expect(try await whole.readResponse(within: Self.slack)?.hasPrefix("HTTP/1.1 200") == true)
            await whole.close()
        }
    }

    @Test func headersWithAnUnfinishedBodyAreClosedWithinTheBodyTimeout() async throws {
        try await Self.withServer(HTTPLimits(headerTimeout: Self.long, bodyTimeout: Self.short, idleTimeout: Self.long)) { port in
            let connection = try await RawConnection.open(port: port)
            try await connection.send(
                "POST /v1/auth/login HTTP/1.1\r\nHost: calibra.test\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"email\": "
            )
            let start = ContinuousClock.now
            #expect(try await connection.waitForClose(within: Self.long))
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= Self.short * 0.9 && elapsed < Self.short + Self.slack, "closed after \(elapsed)")
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedWithinTheIdleTimeout() async throws {
        // Long enough for a loaded test machine to send the second request in time.
        let idle = Duration.seconds(2)
        try await Self.withServer(HTTPLimits(headerTimeout: Self.long, bodyTimeout: Self.long, idleTimeout: idle)) { port in
            let connection = try await RawConnection.open(port: port)
            for _ in 0..<2 {  // kept alive between requests sent in time
                try await connection.send(Self.health)
                let response = try await connection.readResponse(within: Self.slack)
                #expect(response?.hasPrefix("HTTP/1.1 200") == true)
                #expect(response?.lowercased().contains("x-content-type-options: nosniff") == true)
            }
            // The deadline started when the server finished its answer, a little before this client read it.
            let start = ContinuousClock.now
            #expect(try await connection.waitForClose(within: Self.long))
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= idle * 0.5 && elapsed < idle + Self.slack, "closed after \(elapsed)")
        }
    }

    @Test func connectionsBeyondTheCapAreClosedAtOnceWhileOthersKeepWorking() async throws {
        let cap = 4
        try await Self.withServer(HTTPLimits(headerTimeout: Self.long, bodyTimeout: Self.long, idleTimeout: Self.long, maxConnections: cap)) { port in
            // The test framework's own client may hold one of the connections: open ours until one is refused.
            var open: [RawConnection] = []
            var refused: RawConnection?
            for _ in 0...cap {
                let connection = try await RawConnection.open(port: port)
                // A refused connection may be closed before the request is even written.
                let sent = (try? await connection.send(Self.health)) != nil
                if sent, let response = try await connection.readResponse(within: Self.slack) {
                    #expect(response.hasPrefix("HTTP/1.1 200"))
                    open.append(connection)
                } else {
                    refused = connection
                    break
                }
            }
            #expect(refused != nil, "no connection was refused")
            #expect(open.count >= cap - 1 && open.count <= cap)
            // Refused at once: closed without an answer, long before any deadline.
            let another = try await RawConnection.open(port: port)
            let start = ContinuousClock.now
            #expect(try await another.waitForClose(within: Self.slack))
            #expect(ContinuousClock.now - start < Self.slack)
            // The connections already open keep working.
            for connection in open {
                try await connection.send(Self.health)
                #expect(try await connection.readResponse(within: Self.slack)?.hasPrefix("HTTP/1.1 200") == true)
            }
            for connection in open { await connection.close() }
        }
    }

    @Test func limitsComeFromTheEnvironmentAndBadValuesAreRefused() throws {
        #expect(try HTTPLimits(environment: [:]) == HTTPLimits())
        #expect(HTTPLimits().headerTimeout == .seconds(10) && HTTPLimits().bodyTimeout == .seconds(30) && HTTPLimits().idleTimeout == .seconds(60))
        let set = try HTTPLimits(environment: [
            "LIMS_HTTP_HEADER_TIMEOUT": "2.5", "LIMS_HTTP_BODY_TIMEOUT": "20", "LIMS_HTTP_IDLE_TIMEOUT": "90", "LIMS_MAX_CONNECTIONS": "64",
        ])
        #expect(set == HTTPLimits(headerTimeout: .milliseconds(2500), bodyTimeout: .seconds(20), idleTimeout: .seconds(90), maxConnections: 64))
        for (name, value) in [("LIMS_HTTP_HEADER_TIMEOUT", "0"), ("LIMS_HTTP_BODY_TIMEOUT", "soon"), ("LIMS_HTTP_IDLE_TIMEOUT", "-1"), ("LIMS_MAX_CONNECTIONS", "0")] {
            #expect(throws: HTTPLimitsError.self) { try HTTPLimits(environment: [name: value]) }
        }
    }
}

/// A plain TCP client that sends raw bytes and sees exactly what the server sends back, and when it closes.
actor RawConnection {
    let channel: any Channel
    private var chunks: AsyncStream<ByteBuffer>.AsyncIterator
    private var pending: [UInt8] = []

    private init(channel: any Channel, chunks: AsyncStream<ByteBuffer>) {
        self.channel = channel
        self.chunks = chunks.makeAsyncIterator()
    }

    static func open(port: Int) async throws -> RawConnection {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(continuation)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, chunks: stream)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// One whole response (head and `Content-Length` body) as text; nil when the server closed before sending one.
    func readResponse(within limit: Duration) async throws -> String? {
        try await withDeadline(limit) {
            while true {
                if let response = await self.takeResponse() { return response }
                guard await self.receive() else { return nil }
            }
        }
    }

    /// True when the server closes the connection within `limit` (whatever it sent before), false when it is still open.
    func waitForClose(within limit: Duration) async throws -> Bool {
        do {
            return try await withDeadline(limit) {
                while await self.receive() {}
                return true
            }
        } catch is DeadlinePassed {
            return false
        }
    }

    func close() async {
        try? await channel.close()
    }

    private func receive() async -> Bool {
        var iterator = chunks
        let chunk = await iterator.next(isolation: self)
        chunks = iterator
        guard let chunk else { return false }
        pending += chunk.readableBytesView
        return true
    }

    private func takeResponse() -> String? {
        let text = String(decoding: pending, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound]
        let length = head.split(separator: "\r\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let headBytes = text[..<end.upperBound].utf8.count
        guard pending.count >= headBytes + length else { return nil }
        let response = String(decoding: pending[..<(headBytes + length)], as: UTF8.self)
        pending.removeFirst(headBytes + length)
        return response
    }

    struct DeadlinePassed: Error {}

    /// Runs `work`, throwing `DeadlinePassed` if it takes longer than `limit`.
    private func withDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlinePassed() }
            return value
        }
    }
}

/// Passes every chunk the server sends to the connection's stream, and ends it when the server closes.
final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<ByteBuffer>.Continuation

    init(_ continuation: AsyncStream<ByteBuffer>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
