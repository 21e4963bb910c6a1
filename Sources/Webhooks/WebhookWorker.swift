import AsyncHTTPClient
import Foundation
import LIMSCore
import Logging
import NIOCore
import ServiceLifecycle

/// The delivery worker every instance runs: one task fans queued events out into attempts, and a few lanes claim due
/// attempts, send them and record the outcome. Claims are leases in the database, so instances share the work, never
/// send one attempt at the same time, and an instance killed mid-send loses nothing (its leases expire and are claimed
/// again: delivery is at least once).
public struct WebhookWorker: Service {
    let queue: WebhookQueue
    let key: WebhookKey?
    let settings: WebhookSettings
    let logger: Logger

    public init(store: WebhookStore) {
        self.queue = WebhookQueue(database: store.database, settings: store.settings)
        self.key = store.key
        self.settings = store.settings
        self.logger = store.database.logger
    }

    public func run() async throws {
        guard key != nil else {
            logger.notice("webhook delivery is off: no webhook key (run `lims keys init`)")
            try? await gracefulShutdown()
            return
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(Int64(settings.timeout.components.seconds)), read: .seconds(Int64(settings.timeout.components.seconds)))
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await fanOutLoop() }
                for _ in 0..<max(1, settings.lanes) {
                    group.addTask { await deliveryLane(client: client) }
                }
            }
        }
        try? await client.shutdown()
    }

    func fanOutLoop() async {
        while !Task.isCancelled {
            do {
                let taken = try await queue.fanOut()
                if taken == 0 { try await Task.sleep(for: settings.pollInterval) }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("webhook fan-out failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: settings.pollInterval)
            }
        }
    }

    func deliveryLane(client: HTTPClient) async {
        while !Task.isCancelled {
            do {
                let claimed = try await queue.claim(limit: settings.batchSize)
                if claimed.isEmpty {
                    try await Task.sleep(for: settings.pollInterval)
                    continue
                }
                let events = try await CustomerEventLog.events(ids: claimed.map(\.eventId), client: queue.database.client, logger: logger)
                await withTaskGroup(of: Void.self) { group in
                    for attempt in claimed {
                        group.addTask {
                            let started = Date()
                            let clock = ContinuousClock.now
                            let outcome = await send(attempt, event: events[attempt.eventId], client: client)
                            let elapsed = ContinuousClock.now - clock
                            let ms = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                            do {
                                try await queue.record(attempt, outcome: outcome, startedAt: started, durationMs: ms)
                            } catch {
                                // The lease runs out and the attempt is claimed again: at least once.
                                logger.warning("webhook attempt not recorded", metadata: ["attempt": "\(attempt.id)", "error": "\(String(reflecting: error))"])
                            }
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("webhook delivery lane failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: settings.pollInterval)
            }
        }
    }

    /// Sends one attempt: guard the destination, sign, POST, and judge the answer. Never throws: every failure is an outcome.
    func send(_ attempt: WebhookQueue.Claimed, event: CustomerEvent?, client: HTTPClient) async -> WebhookQueue.Outcome {
        guard let key else { return .failed(status: nil, error: "no webhook key") }
        guard let event else { return .failed(status: nil, error: "the event \(attempt.eventId) is not in the feed") }
        let secrets: [WebhookSecret]
        do {
            secrets = [try key.unseal(attempt.secretSealed, endpointId: attempt.endpointId)]
                + (attempt.previousSecretSealed.flatMap { try? key.unseal($0, endpointId: attempt.endpointId) }.map { [$0] } ?? [])
        } catch {
            return .failed(status: nil, error: "the endpoint's secret cannot be unsealed with this server's webhook key: rotate the secret")
        }
        guard let components = URLComponents(string: attempt.url), let host = components.host else {
            return .failed(status: nil, error: "the URL cannot be read")
        }
        if !settings.allowPrivateNetworks {
            do {
                let port = components.port ?? (components.scheme?.lowercased() == "http" ? 80 : 443)
                _ = try await AddressGuard.resolveAndCheck(host: host, port: port)
            } catch {
                return .failed(status: nil, error: "\(error)")
            }
        }
        let body: [UInt8]
        do {
            body = try WebhookPayload.body(for: event)
        } catch {
            return .failed(status: nil, error: "the event cannot be encoded")
        }
        let id = event.id.uuidString.lowercased()
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: attempt.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Calibra-Webhooks/1.0")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: secrets.map { $0.signature(id: id, timestamp: timestamp, body: body) }.joined(separator: " "))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(settings.timeout.components.seconds)))
            // Read (and drop) at most 64 KiB of the answer, so the connection can be reused.
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if read > 65_536 { break }
            }
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .delivered(status: code) }
            if code == 410 { return .gone }
            return .failed(status: code, error: "answered \(code) \(response.status.reasonPhrase)")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failed(status: nil, error: "no answer within \(settings.timeout.components.seconds) s")
        } catch {
            return .failed(status: nil, error: "could not send: \(error)")
        }
    }
}

/// The body of a delivery: `{type, timestamp, data}` (Standard Webhooks' payload), where `data` is the feed event's data
/// with its `eventId` and `subjectId`, so a receiver can fetch the subject or find the event in `GET /v1/events`.
public enum WebhookPayload {
    public static func body(for event: CustomerEvent) throws -> [UInt8] {
        var data: [String: JSONValue] = ["subjectId": .string(event.subjectId.uuidString.lowercased())]
        if case .object(let fields) = event.data {
            data.merge(fields) { _, field in field }
        } else if event.data != .null {
            data["value"] = event.data
        }
        data["eventId"] = .string(event.id.uuidString.lowercased())
        let payload: JSONValue = .object([
            "type": .string(event.type), "timestamp": .string(Self.timestamp(event.occurredAt)), "data": .object(data),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(payload))
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
