import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A webhook receiver on loopback, started by a test: it checks every request as Standard Webhooks' reference
/// verifiers do (the secret's bytes after `whsec_`, HMAC-SHA256 over `{id}.{timestamp}.{body}`, a constant-time
/// compare against each `v1,` signature, the timestamp within 5 minutes), answers with the statuses a test plans, and
/// records what came, including requests for one `webhook-id` that overlapped in time.
actor WebhookReceiver {
    struct Received: Sendable {
        var id: String
        var timestamp: String
        var signatures: [String]
        var contentType: String?
        var body: Data
        /// Which of the receiver's secrets verified the message (indices into `secrets`); empty: none did.
        var verifiedBy: [Int]
        var answered: Int
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var type: String { json["type"] as? String ?? "" }
    }

    private(set) var received: [Received] = []
    private(set) var overlaps: [String] = []
    private var inFlight: [String: Int] = [:]
    /// The secrets a message may verify with (`whsec_…`).
    var secrets: [String] = []
    /// Statuses to answer, in order; 200 once they are used up.
    var plan: [Int] = []
    /// How long each request is held before the answer.
    var delay: Duration = .zero
    /// While set, requests after the first `gateAfter` wait (the server can be killed while they hang).
    var gateAfter: Int?
    var port = 0

    func setSecrets(_ secrets: [String]) { self.secrets = secrets }
    func setPlan(_ plan: [Int]) { self.plan = plan }
    func setDelay(_ delay: Duration) { self.delay = delay }
    func setGate(after count: Int?) { gateAfter = count }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    func ids() -> Set<String> { Set(received.filter { (200..<300).contains($0.answered) }.map(\.id)) }

    /// The reference verification.
    static func verify(secret: String, id: String, timestamp: String, signatures: [String], body: Data) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
        guard let seconds = Double(timestamp), abs(Date().timeIntervalSince1970 - seconds) <= 300 else { return false }
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        for signature in signatures {
            let parts = signature.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: content, using: SymmetricKey(data: key)) { return true }
        }
        return false
    }

    fileprivate func begin(id: String) -> (status: Int, gated: Bool, delay: Duration) {
        inFlight[id, default: 0] += 1
        if inFlight[id, default: 0] > 1 { overlaps.append(id) }
        let status = plan.isEmpty ? 200 : plan.removeFirst()
        let gated = gateAfter.map { received.count >= $0 } ?? false
        return (status, gated, delay)
    }

    fileprivate func gateOpen() -> Bool { gateAfter == nil }

    fileprivate func finish(_ message: Received) {
        inFlight[message.id, default: 1] -= 1
        received.append(message)
    }

    fileprivate func abandon(id: String) { inFlight[id, default: 1] -= 1 }

    fileprivate func started(port: Int) { self.port = port }

    /// Starts a receiver on a loopback port of its own and runs `body` with it.
    static func run<T: Sendable>(_ body: @Sendable (WebhookReceiver) async throws -> T) async throws -> T {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/hook") { request, context -> Response in
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
            let timestamp = request.headers[HTTPField.Name("webhook-timestamp")!] ?? ""
            let signatures = (request.headers[HTTPField.Name("webhook-signature")!] ?? "").split(separator: " ").map(String.init)
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = Data(buffer.readableBytesView)
            let (status, gated, delay) = await receiver.begin(id: id)
            do {
                if gated { while !(await receiver.gateOpen()) { try await Task.sleep(for: .milliseconds(20)) } }
                if delay > .zero { try await Task.sleep(for: delay) }
            } catch {
                await receiver.abandon(id: id)
                throw error
            }
            let secrets = await receiver.secrets
            let verifiedBy = secrets.indices.filter { verify(secret: secrets[$0], id: id, timestamp: timestamp, signatures: signatures, body: body) }
            await receiver.finish(
                Received(
                    id: id, timestamp: timestamp, signatures: signatures, contentType: request.headers[.contentType], body: body, verifiedBy: verifiedBy,
                    answered: status
                )
            )
            return Response(status: .init(code: status))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await receiver.started(port: channel.localAddress?.port ?? 0) }
        )
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var tries = 0
        while await receiver.port == 0, tries < 500 {
            tries += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await body(receiver)
    }

    /// Waits until `condition` holds (checked every 50 ms), up to `seconds`.
    nonisolated func wait(_ seconds: Double = 20, until condition: @Sendable (WebhookReceiver) async -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition(self) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return await condition(self)
    }
}
