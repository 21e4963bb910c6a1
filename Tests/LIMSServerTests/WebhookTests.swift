import Foundation
import HTTPTypes
import LIMSCore
import LIMSServer
import LIMSTestSupport
import PostgresNIO
import Testing
import Webhooks

/// Outbound webhooks (CONTRACT.md "Webhooks"), against a real receiver on loopback that verifies every signature as
/// Standard Webhooks' reference verifiers do.
@Suite("Webhooks")
struct WebhookTests {
    static let eventTypes = [
        "order.accepted", "order.rejected", "item.received", "certificate.issued", "certificate.amended", "invoice.issued", "instrument.due_soon",
        "instrument.overdue", "certificate.under_review", "certificate.withdrawn",
    ]

    /// A lab whose worker may call loopback, retries fast and polls often.
    static func fast(_ schedule: [Duration] = [.milliseconds(200), .milliseconds(200)]) -> @Sendable (inout AppConfiguration) -> Void {
        { configuration in
            configuration.webhooks.allowPrivateNetworks = true
            configuration.webhooks.retrySchedule = schedule
            configuration.webhooks.jitter = 0
            configuration.webhooks.pollInterval = .milliseconds(50)
        }
    }

    static func endpoint(_ lab: TestLab, key: String, url: String, eventTypes: [String]? = nil) async throws -> (id: UUID, secret: String) {
        var body: [String: JSONValue] = ["url": .string(url)]
        if let eventTypes { body["eventTypes"] = .array(eventTypes.map { .string($0) }) }
        let created = try await lab.api.post("/v1/webhooks", token: key, json: body)
        try created.expect(.created)
        #expect(try created.string("status") == "enabled")
        return (try created.uuid("id"), try created.string("secret"))
    }

    @discardableResult
    static func event(_ lab: TestLab, customer: UUID, type: String, data: JSONValue = .object(["note": .string("test")])) async throws -> UUID {
        let subject = UUID()
        try await lab.database.transaction { connection in
            try await CustomerEventLog.append(on: connection, customerId: customer, type: type, subjectId: subject, data: data, logger: lab.database.logger)
        }
        let rows = try await lab.database.client.query("SELECT id FROM customer_events WHERE subject_id = \(subject)", logger: lab.database.logger)
        for try await id in rows.decode(UUID.self) { return id }
        throw CancellationError()  // not reached: the event was written in the transaction above
    }

    static func deliveries(_ lab: TestLab, key: String, endpoint: UUID) async throws -> [JSONValue] {
        let response = try await lab.api.get("/v1/webhooks/\(endpoint)/deliveries", token: key)
        try response.expect(.ok)
        return try response.array("items")
    }

    /// The delivery log once `condition` holds, or as it stands after 30 s.
    static func deliveries(
        _ lab: TestLab, key: String, endpoint: UUID, until condition: ([JSONValue]) -> Bool
    ) async throws -> [JSONValue] {
        let deadline = Date().addingTimeInterval(30)
        var log = try await deliveries(lab, key: key, endpoint: endpoint)
        while !condition(log), Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            log = try await deliveries(lab, key: key, endpoint: endpoint)
        }
        return log
    }

    /// The endpoint's status once it is `wanted`, or as it stands after 30 s.
    static func status(_ lab: TestLab, key: String, endpoint: UUID, until wanted: String) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        var status = try await lab.api.get("/v1/webhooks/\(endpoint)", token: key).string("status")
        while status != wanted, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await lab.api.get("/v1/webhooks/\(endpoint)", token: key).string("status")
        }
        return status
    }

    @Test func everyEventTypeIsDeliveredSignedWithTheStandardHeaders() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast()) { lab in
                let customer = try await lab.customer()
                let other = try await lab.customer()
                let all = try await Self.endpoint(lab, key: customer.key, url: await receiver.url)
                await receiver.setSecrets([all.secret])
                var ids: [String: String] = [:]
                for type in Self.eventTypes {
                    ids[try await Self.event(lab, customer: customer.id, type: type).uuidString.lowercased()] = type
                }
                // Another customer's event never reaches this customer's endpoint.
                try await Self.event(lab, customer: other.id, type: "order.accepted")
                #expect(try await receiver.wait { await $0.received.count >= Self.eventTypes.count })
                try await Task.sleep(for: .milliseconds(300))
                let received = await receiver.received
                #expect(received.count == Self.eventTypes.count)
                for message in received {
                    #expect(message.verifiedBy == [0], "signature of \(message.id) does not verify")
                    #expect(ids[message.id] == message.type, "webhook-id is the event id and the body its type")
                    #expect(message.contentType == "application/json")
                    #expect(abs(Double(message.timestamp)! - Date().timeIntervalSince1970) < 60)
                    #expect(message.signatures.count == 1 && message.signatures[0].hasPrefix("v1,"))
                    #expect(message.json["timestamp"] is String && message.json["data"] is [String: Any])
                    #expect((message.json["data"] as? [String: Any])?["eventId"] as? String == message.id)
                }
                #expect(Set(received.map(\.type)) == Set(Self.eventTypes))
                let log = try await Self.deliveries(lab, key: customer.key, endpoint: all.id) {
                    $0.count == Self.eventTypes.count && $0.allSatisfy { $0["status"]?.stringValue == "delivered" }
                }
                #expect(log.count == Self.eventTypes.count && log.allSatisfy { $0["status"]?.stringValue == "delivered" })
                #expect(log.first?["responseStatus"] == .number(200))
            }
        }
    }

    @Test func anEventTypeFilterSendsOnlyThoseTypes() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast()) { lab in
                let customer = try await lab.customer()
                let hook = try await Self.endpoint(lab, key: customer.key, url: await receiver.url, eventTypes: ["certificate.issued"])
                #expect(try await lab.api.get("/v1/webhooks/\(hook.id)", token: customer.key).array("eventTypes") == [.string("certificate.issued")])
                await receiver.setSecrets([hook.secret])
                try await Self.event(lab, customer: customer.id, type: "order.accepted")
                let wanted = try await Self.event(lab, customer: customer.id, type: "certificate.issued")
                #expect(try await receiver.wait { await $0.received.count >= 1 })
                try await Task.sleep(for: .milliseconds(400))
                #expect(await receiver.received.map(\.id) == [wanted.uuidString.lowercased()])
            }
        }
    }

    @Test func aRotatedSecretSignsAndThePreviousOneAlsoForADay() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast()) { lab in
                let customer = try await lab.customer()
                let hook = try await Self.endpoint(lab, key: customer.key, url: await receiver.url)
                let rotated = try await lab.api.post("/v1/webhooks/\(hook.id)/rotate-secret", token: customer.key)
                try rotated.expect(.ok)
                let secret = try rotated.string("secret")
                #expect(secret.hasPrefix("whsec_") && secret != hook.secret)
                #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
                #expect(!(try await lab.api.get("/v1/webhooks/\(hook.id)", token: customer.key).text.contains("whsec_")), "a secret is shown once")
                await receiver.setSecrets([secret, hook.secret])
                try await Self.event(lab, customer: customer.id, type: "invoice.issued")
                #expect(try await receiver.wait { await $0.received.count >= 1 })
                let message = try #require(await receiver.received.first)
                #expect(message.signatures.count == 2)
                #expect(message.verifiedBy == [0, 1], "the new secret verifies, and the previous one during the switch-over")
                #expect(WebhookReceiver.verify(secret: secret, id: message.id, timestamp: message.timestamp, signatures: [message.signatures[0]], body: message.body))
            }
        }
    }

    @Test func failuresAreRetriedWithTheSameWebhookId() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast()) { lab in
                let customer = try await lab.customer()
                let hook = try await Self.endpoint(lab, key: customer.key, url: await receiver.url)
                await receiver.setSecrets([hook.secret])
                await receiver.setPlan([500, 500])
                let event = try await Self.event(lab, customer: customer.id, type: "certificate.issued")
                #expect(try await receiver.wait { await $0.received.count >= 3 })
                // The worker records the answer after the receiver has it: wait (bounded) for the third record.
                let log = try await Self.deliveries(lab, key: customer.key, endpoint: hook.id) { $0.first?["status"]?.stringValue == "delivered" }
                let received = await receiver.received
                #expect(received.map(\.answered) == [500, 500, 200])
                #expect(Set(received.map(\.id)) == [event.uuidString.lowercased()])
                #expect(received.allSatisfy { $0.verifiedBy == [0] })
                #expect(log.map { $0["attempt"] } == [.number(3), .number(2), .number(1)], "newest first")
                #expect(log.map { $0["status"]?.stringValue } == ["delivered", "failed", "failed"])
                #expect(log[1]["responseStatus"] == .number(500) && log[1]["nextAttemptAt"]?.stringValue != nil && log[1]["error"]?.stringValue != nil)
                #expect(try await lab.api.get("/v1/webhooks/\(hook.id)", token: customer.key).string("status") == "enabled")
            }
        }
    }

    @Test func goneDisablesTheEndpointAtOnceAndTellsTheCustomer() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast()) { lab in
                let customer = try await lab.customer()
                let hook = try await Self.endpoint(lab, key: customer.key, url: await receiver.url)
                await receiver.setPlan([410])
                try await Self.event(lab, customer: customer.id, type: "certificate.issued")
                #expect(try await receiver.wait { await $0.received.count >= 1 })
                // The worker records the answer after the receiver has it: wait (bounded) for that record, not a fixed time.
                #expect(try await Self.status(lab, key: customer.key, endpoint: hook.id, until: "disabled") == "disabled")
                #expect(await receiver.received.count == 1, "no retry after 410")
                let feed = try await lab.api.get("/v1/events", token: customer.key).array("items")
                #expect(feed.last?["type"]?.stringValue == "webhook.disabled")
                // A disabled endpoint gets nothing more.
                try await Self.event(lab, customer: customer.id, type: "invoice.issued")
                try await Task.sleep(for: .milliseconds(500))
                #expect(await receiver.received.count == 1)
            }
        }
    }

    @Test func failingTheWholeScheduleDisablesTheEndpointAndTellsTheCustomer() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast([.milliseconds(100), .milliseconds(100)])) { lab in
                let customer = try await lab.customer()
                let hook = try await Self.endpoint(lab, key: customer.key, url: await receiver.url)
                await receiver.setPlan([503, 503, 503, 503, 503])
                try await Self.event(lab, customer: customer.id, type: "certificate.issued")
                #expect(try await receiver.wait { await $0.received.count >= 3 })
                // The last failure disables the endpoint when the worker records it: wait (bounded) for that.
                #expect(try await Self.status(lab, key: customer.key, endpoint: hook.id, until: "disabled") == "disabled")
                #expect(await receiver.received.count == 3, "the first attempt and one per step of the schedule")
                let feed = try await lab.api.get("/v1/events", token: customer.key).array("items")
                let disabled = try #require(feed.last)
                #expect(disabled["type"]?.stringValue == "webhook.disabled")
                #expect(disabled["data"]?["endpointId"]?.stringValue?.lowercased() == hook.id.uuidString.lowercased())
            }
        }
    }

    @Test func replaySendsTheEventAgainWithTheSameId() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: Self.fast()) { lab in
                let customer = try await lab.customer()
                let hook = try await Self.endpoint(lab, key: customer.key, url: await receiver.url)
                await receiver.setSecrets([hook.secret])
                try await Self.event(lab, customer: customer.id, type: "certificate.amended")
                #expect(try await receiver.wait { await $0.received.count >= 1 })
                let delivery = try #require(try await Self.deliveries(lab, key: customer.key, endpoint: hook.id).first?["id"]?.stringValue)
                let replay = try await lab.api.post("/v1/webhooks/\(hook.id)/deliveries/\(delivery)/replay", token: customer.key)
                try replay.expect(.accepted)
                #expect(try replay.string("status") == "pending")
                #expect(try await receiver.wait { await $0.received.count >= 2 })
                let received = await receiver.received
                #expect(received[0].id == received[1].id && received[1].verifiedBy == [0])
                #expect(try await Self.deliveries(lab, key: customer.key, endpoint: hook.id).count == 2)
                // Another customer cannot replay it, nor see the endpoint.
                let other = try await lab.customer()
                #expect(try await lab.api.post("/v1/webhooks/\(hook.id)/deliveries/\(delivery)/replay", token: other.key).status == .notFound)
            }
        }
    }

    @Test func privateAndLoopbackDestinationsAreRefusedWithoutTheKnob() async throws {
        try await WebhookReceiver.run { receiver in
            try await TestLab.run(customize: { $0.webhooks.pollInterval = .milliseconds(50) }) { lab in
                let customer = try await lab.customer()
                for url in [
                    "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://192.168.1.10/hook", "https://172.16.0.1/hook", "https://169.254.169.254/latest",
                    "https://[::1]/hook", "https://[fd00::1]/hook", "https://[fe80::1]/hook", "https://localhost/hook", "https://2130706433/hook",
                    "https://[::ffff:127.0.0.1]/hook", await receiver.url,
                ] {
                    let refused = try await lab.api.post("/v1/webhooks", token: customer.key, json: ["url": .string(url)])
                    #expect(refused.status == .unprocessableContent, "\(url) → \(refused.status)")
                    #expect(Set(refused.problemFields) == ["url"], "\(url): \(refused.text)")
                }
                // A name is checked again at delivery, after resolving it: here the row is pointed at loopback behind the API's back.
                let hook = try await Self.endpoint(lab, key: customer.key, url: "https://hooks.example.test/calibra")
                let port = await receiver.port
                try await lab.database.client.query(
                    "UPDATE webhook_endpoints SET url = \("https://localhost:\(port)/hook") WHERE id = \(hook.id)", logger: lab.database.logger
                )
                try await Self.event(lab, customer: customer.id, type: "certificate.issued")
                let deadline = Date().addingTimeInterval(15)
                var log: [JSONValue] = []
                while Date() < deadline {
                    log = try await Self.deliveries(lab, key: customer.key, endpoint: hook.id)
                    if log.contains(where: { $0["status"]?.stringValue == "failed" }) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let failed = try #require(log.first { $0["status"]?.stringValue == "failed" })
                #expect(failed["error"]?.stringValue?.contains("refused") == true, "\(failed)")
                #expect(await receiver.received.isEmpty)
                #expect(AddressGuard.isForbidden([127, 0, 0, 1]) && AddressGuard.isForbidden([100, 64, 0, 1]) && !AddressGuard.isForbidden([93, 184, 216, 34]))
            }
        }
    }

    @Test func endpointsAreTheCustomersOwnAndEveryBadFieldIsNamed() async throws {
        try await TestLab.run(customize: { $0.webhooks.allowPrivateNetworks = false }) { lab in
            let customer = try await lab.customer()
            let other = try await lab.customer()
            let hook = try await Self.endpoint(lab, key: customer.key, url: "https://erp.example.test/hooks", eventTypes: ["order.accepted"])
            for path in ["/v1/webhooks/\(hook.id)", "/v1/webhooks/\(hook.id)/deliveries"] {
                #expect(try await lab.api.get(path, token: other.key).status == .notFound)
            }
            #expect(try await lab.api.delete("/v1/webhooks/\(hook.id)", token: other.key).status == .notFound)
            #expect(try await lab.api.post("/v1/webhooks/\(hook.id)/rotate-secret", token: other.key).status == .notFound)
            #expect(try await lab.api.get("/v1/webhooks", token: other.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/webhooks", token: lab.adminToken).status == .forbidden)
            // A customer_user reads but does not manage; the customer_admin manages.
            let user = try await lab.customerPerson(customer.id, role: "customer_user")
            let admin = try await lab.customerPerson(customer.id, role: "customer_admin")
            #expect(try await lab.api.get("/v1/webhooks", token: user.token).array("items").count == 1)
            #expect(try await lab.api.post("/v1/webhooks", token: user.token, json: ["url": .string("https://erp.example.test/x")]).status == .forbidden)
            #expect(try await lab.api.delete("/v1/webhooks/\(hook.id)", token: user.token).status == .forbidden)
            _ = try await Self.endpoint(lab, key: admin.token, url: "https://erp.example.test/admin")
            // Every bad field at once.
            let bad = try await lab.api.post(
                "/v1/webhooks", token: customer.key, json: ["url": .string("ftp://erp.example.test"), "eventTypes": .array([.string("order.accepted"), .string("Not A Type"), .number(3)])]
            )
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.problemFields) == ["url", "eventTypes[1]", "eventTypes[2]"], "\(bad.text)")
            let missing = try await lab.api.post("/v1/webhooks", token: customer.key, json: [:])
            #expect(missing.status == .unprocessableContent && missing.problemFields == ["url"])
            #expect(try await lab.api.post("/v1/webhooks", token: customer.key, json: ["url": .string("http://erp.example.test/x")]).problemFields == ["url"])
            // Deleting removes it.
            #expect(try await lab.api.delete("/v1/webhooks/\(hook.id)", token: customer.key).status == .noContent)
            #expect(try await lab.api.get("/v1/webhooks/\(hook.id)", token: customer.key).status == .notFound)
        }
    }

    @Test func secretsAreSealedAtRest() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let hook = try await Self.endpoint(lab, key: customer.key, url: "https://erp.example.test/hooks")
            let raw = try #require(Data(base64Encoded: String(hook.secret.dropFirst(6))))
            let rows = try await lab.database.client.query("SELECT secret_sealed FROM webhook_endpoints WHERE id = \(hook.id)", logger: lab.database.logger)
            for try await sealed in rows.decode(Data.self) {
                #expect(sealed.count == 12 + 32 + 16, "AES-GCM nonce, ciphertext, tag")
                #expect(sealed.range(of: raw) == nil)
            }
        }
    }
}
