import Foundation
import LIMSCore
import LIMSServer
import LIMSTestSupport
import PostgresNIO
import Testing
import Webhooks

/// Webhook delivery across processes: `lims serve` killed with SIGKILL while events are pending, and two instances
/// sharing the queue (``LIMSChild``); the receiver runs in the test.
@Suite("Webhook durability", .serialized)
struct WebhookDurabilityTests {
    /// A `lims serve` child process on the lab's database.
    static func serve(_ lab: TestLab) throws -> LIMSChild {
        try LIMSChild(["serve", "--port", String(57000 + Int.random(in: 0..<2000))], environment: [
            "DATABASE_URL": lab.databaseURL.description,
            "LIMS_MIGRATION_DATABASE_URL": lab.ownerURL.description,
            "LIMS_SIGNING_KEY": Self.keyPath(lab).path,
            "LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
            "LIMS_WEBHOOK_RETRY_SCHEDULE": "1s,1s,1s",
            "LIMS_WEBHOOK_LEASE": "20s",
            "LOG_LEVEL": "warning",
        ])
    }

    /// The lab's keys for the child servers: the same webhook key as the lab's own server (the test lab made it).
    static func keyPath(_ lab: TestLab) -> URL { lab.configuration.signingKeyPath }

    static func events(_ lab: TestLab, customer: UUID, count: Int) async throws -> Set<String> {
        var ids: Set<String> = []
        try await lab.database.transaction { connection in
            for index in 0..<count {
                try await CustomerEventLog.append(
                    on: connection, customerId: customer, type: "certificate.issued", subjectId: UUID(), data: ["index": index], logger: lab.database.logger
                )
            }
        }
        let rows = try await lab.database.client.query(
            "SELECT id FROM customer_events WHERE customer_id = \(customer) AND type = 'certificate.issued'", logger: lab.database.logger
        )
        for try await id in rows.decode(UUID.self) { ids.insert(id.uuidString.lowercased()) }
        return ids
    }

    /// The lab's own server delivers nothing: its worker is paced to sleep through the test (a day between polls).
    static func idle(_ configuration: inout AppConfiguration) {
        configuration.webhooks.allowPrivateNetworks = true
        configuration.webhooks.pollInterval = .seconds(86_400)
    }

    @Test(.enabled(if: LIMSChild.binary != nil))
    func everyPendingEventArrivesAfterTheServerIsKilled() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.idle) { lab in
                let customer = try await lab.customer()
                let created = try await lab.api.post("/v1/webhooks", token: customer.key, json: ["url": .string(await receiver.url)])
                try created.expect(.created)
                await receiver.setSecrets([try created.string("secret")])
                // 200 events pending before any instance delivers; the receiver hangs every request after the 40th.
                let expected = try await Self.events(lab, customer: customer.id, count: 200)
                #expect(expected.count == 200)
                await receiver.setGate(after: 40)
                let first = try Self.serve(lab)
                defer { first.stop() }
                #expect(try await receiver.wait(60) { await $0.received.count >= 40 })
                try await Task.sleep(for: .milliseconds(300))
                first.kill()
                let before = await receiver.ids()
                #expect(before.count < 200, "the kill came while events were still pending")
                await receiver.setGate(after: nil)
                let second = try Self.serve(lab)
                defer { second.stop() }
                // Attempts the killed instance held come back when their 20 s lease runs out.
                let all = try await receiver.wait(90) { await $0.ids().isSuperset(of: expected) }
                let missing = expected.subtracting(await receiver.ids())
                #expect(all, "\(missing.count) events never arrived")
                let verified = await receiver.received.allSatisfy { $0.verifiedBy == [0] }
                #expect(verified)
            }
        }
    }

    @Test(.enabled(if: LIMSChild.binary != nil))
    func twoInstancesNeverSendOneAttemptAtOnce() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.idle) { lab in
                let customer = try await lab.customer()
                let created = try await lab.api.post("/v1/webhooks", token: customer.key, json: ["url": .string(await receiver.url)])
                try created.expect(.created)
                await receiver.setSecrets([try created.string("secret")])
                // Slow answers widen the window in which a second instance could take an attempt already in flight.
                await receiver.setDelay(.milliseconds(30))
                let expected = try await Self.events(lab, customer: customer.id, count: 300)
                let one = try Self.serve(lab)
                defer { one.stop() }
                let two = try Self.serve(lab)
                defer { two.stop() }
                #expect(try await receiver.wait(120) { await $0.ids().isSuperset(of: expected) })
                try await Task.sleep(for: .seconds(1))
                #expect(await receiver.overlaps.isEmpty, "requests for one webhook-id overlapped")
                let received = await receiver.received
                #expect(received.count == expected.count, "each attempt sent once: \(received.count) requests for \(expected.count) events")
                // Both instances worked: the delivery log shows every attempt delivered once.
                let rows = try await lab.database.client.query(
                    "SELECT count(*)::int, count(DISTINCT event_id)::int FROM webhook_attempts WHERE status = 'delivered'", logger: lab.database.logger
                )
                for try await (attempts, events) in rows.decode((Int, Int).self) {
                    #expect(attempts == 300 && events == 300)
                }
            }
        }
    }
}
