import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// The customers' webhook endpoints and their delivery log: made, listed, rotated and deleted by the customer, with
/// secrets sealed under the webhook key before they reach the database.
public struct WebhookStore: Sendable {
    public let database: Database
    public let settings: WebhookSettings
    let key: WebhookKey?

    /// At most this many endpoints per customer.
    public static let maximumEndpoints = 20

    public init(database: Database, settings: WebhookSettings, key: WebhookKey?) {
        self.database = database
        self.settings = settings
        self.key = key
    }

    var logger: Logger { database.logger }

    /// Whether the webhook key was found, so secrets can be sealed and deliveries signed.
    public var hasKey: Bool { key != nil }

    func requireKey() throws -> WebhookKey {
        guard let key else {
            throw Problem(
                status: .serviceUnavailable,
                detail: "The lab has no webhook key yet, so no endpoint secret can be stored. The lab's administrator runs `lims keys init`, then restarts the server."
            )
        }
        return key
    }

    /// Every problem with an endpoint's URL and event types, named by field (`url`, `eventTypes[1]`).
    public func problems(url: String?, eventTypes: [String]?) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if let url, !url.trimmingCharacters(in: .whitespaces).isEmpty {
            issues += AddressGuard.problems(url: url, allowPrivate: settings.allowPrivateNetworks).map { FieldIssue(field: "url", message: $0) }
        } else {
            issues.append(FieldIssue(field: "url", message: "is required"))
        }
        if let eventTypes {
            if eventTypes.isEmpty { issues.append(FieldIssue(field: "eventTypes", message: "must list at least one event type, or be left out for all")) }
            if eventTypes.count > 50 { issues.append(FieldIssue(field: "eventTypes", message: "must list at most 50 event types")) }
            for (index, type) in eventTypes.enumerated() where !Self.isEventType(type) {
                issues.append(FieldIssue(field: "eventTypes[\(index)]", message: "must be an event type such as certificate.issued"))
            }
        }
        return issues
    }

    static func isEventType(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.count <= 100 && parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") } }
    }

    /// Makes an endpoint for the customer; the answer carries its secret, shown this once.
    public func create(customerId: UUID, url: String?, eventTypes: [String]?, audit: AuditContext) async throws -> CreatedWebhookEndpoint {
        let issues = problems(url: url, eventTypes: eventTypes)
        if !issues.isEmpty { throw Problem.validation(issues) }
        let key = try requireKey()
        let id = UUID()
        let secret = WebhookSecret.generate()
        let sealed = try key.seal(secret, endpointId: id)
        let url = (url ?? "").trimmingCharacters(in: .whitespaces)
        let types = eventTypes.map { list in
            var seen = Set<String>()
            return list.filter { seen.insert($0).inserted }
        }
        return try await database.transaction { connection in
            // One customer's endpoints are made one at a time, so the cap holds under concurrent requests.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints'), hashtext(\(customerId.uuidString)))", logger: logger)
            let counted = try await connection.query("SELECT count(*) FROM webhook_endpoints WHERE customer_id = \(customerId)", logger: logger)
            var count = 0
            for try await value in counted.decode(Int.self) { count = value }
            if count >= Self.maximumEndpoints {
                throw Problem.conflict("A customer may have at most \(Self.maximumEndpoints) webhook endpoints: delete one first.")
            }
            let rows = try await connection.query(
                """
                INSERT INTO webhook_endpoints (id, customer_id, url, event_types, secret_sealed)
                VALUES (\(id), \(customerId), \(url), \(types), \(sealed))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            guard let endpoint = try await Self.endpoints(rows).first else { throw Problem.notFound("Customer") }
            try await AuditLog.record(
                on: connection, audit, action: "webhook.created", entity: "webhook_endpoint", entityId: id.uuidString,
                after: ["customerId": customerId.uuidString, "url": url, "eventTypes": (types ?? []).joined(separator: ",")], logger: logger
            )
            return CreatedWebhookEndpoint(endpoint: endpoint, secret: secret.text)
        }
    }

    static let columns = "id, customer_id, url, event_types, status, disabled_reason, created_at"

    static func endpoints(_ rows: PostgresRowSequence) async throws -> [WebhookEndpoint] {
        var result: [WebhookEndpoint] = []
        for try await (id, customer, url, types, status, reason, created) in rows.decode((UUID, UUID, String, [String]?, String, String?, Date).self) {
            result.append(WebhookEndpoint(id: id, customerId: customer, url: url, eventTypes: types, status: status, disabledReason: reason, createdAt: created))
        }
        return result
    }

    /// The customer's endpoints, oldest first.
    public func list(customerId: UUID) async throws -> [WebhookEndpoint] {
        let rows = try await database.client.query(
            "SELECT \(unescaped: Self.columns) FROM webhook_endpoints WHERE customer_id = \(customerId) ORDER BY created_at, id", logger: logger
        )
        return try await Self.endpoints(rows)
    }

    /// One of the customer's endpoints; 404 for an unknown id or another customer's.
    public func endpoint(id: UUID, customerId: UUID) async throws -> WebhookEndpoint {
        let rows = try await database.client.query(
            "SELECT \(unescaped: Self.columns) FROM webhook_endpoints WHERE id = \(id) AND customer_id = \(customerId)", logger: logger
        )
        guard let endpoint = try await Self.endpoints(rows).first else { throw Problem.notFound("Webhook endpoint") }
        return endpoint
    }

    /// Deletes the endpoint and its delivery log; nothing more is sent to it.
    public func delete(id: UUID, customerId: UUID, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "DELETE FROM webhook_endpoints WHERE id = \(id) AND customer_id = \(customerId) RETURNING url", logger: logger
            )
            var url: String?
            for try await value in rows.decode(String.self) { url = value }
            guard let url else { throw Problem.notFound("Webhook endpoint") }
            try await AuditLog.record(
                on: connection, audit, action: "webhook.deleted", entity: "webhook_endpoint", entityId: id.uuidString,
                before: ["customerId": customerId.uuidString, "url": url], logger: logger
            )
        }
    }

    /// Disables an endpoint by hand (nothing more is sent to it); disabling a disabled one changes nothing.
    public func disable(id: UUID, customerId: UUID, reason: String, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = \(reason), disabled_at = now()
                WHERE id = \(id) AND customer_id = \(customerId) AND status = 'enabled' RETURNING 1
                """,
                logger: logger
            )
            var changed = false
            for try await _ in rows { changed = true }
            if changed {
                try await AuditLog.record(
                    on: connection, audit, action: "webhook.disabled", entity: "webhook_endpoint", entityId: id.uuidString, after: ["reason": reason],
                    logger: logger
                )
            }
        }
    }

    /// A new secret for the endpoint, shown this once; the previous one goes on signing beside it for a day.
    public func rotateSecret(id: UUID, customerId: UUID, audit: AuditContext) async throws -> RotatedWebhookSecret {
        let key = try requireKey()
        let secret = WebhookSecret.generate()
        let sealed = try key.seal(secret, endpointId: id)
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, previous_secret_until = now() + interval '24 hours',
                    secret_sealed = \(sealed)
                WHERE id = \(id) AND customer_id = \(customerId)
                RETURNING previous_secret_until
                """,
                logger: logger
            )
            var until: Date?
            for try await value in rows.decode(Date.self) { until = value }
            guard let until else { throw Problem.notFound("Webhook endpoint") }
            try await AuditLog.record(
                on: connection, audit, action: "webhook.secret_rotated", entity: "webhook_endpoint", entityId: id.uuidString,
                after: ["previousSecretValidUntil": ISO8601DateFormatter().string(from: until)], logger: logger
            )
            return RotatedWebhookSecret(id: id, secret: secret.text, previousSecretValidUntil: until)
        }
    }

    static let deliveryColumns = """
        id, endpoint_id, event_id, event_type, attempt, status, response_status, duration_ms, error, attempted_at, next_attempt_at, seq
        """

    static func deliveries(_ rows: PostgresRowSequence) async throws -> [WebhookDelivery] {
        var result: [WebhookDelivery] = []
        for try await row in rows {
            let (id, endpoint, event, type, attempt, status, response, duration, error, attempted, next, seq) = try row.decode(
                (UUID, UUID, UUID, String, Int, String, Int?, Int?, String?, Date?, Date?, Int64).self
            )
            result.append(
                WebhookDelivery(
                    id: id, endpointId: endpoint, eventId: event, eventType: type, attempt: attempt, status: status, responseStatus: response,
                    durationMs: duration, error: error, attemptedAt: attempted, nextAttemptAt: next, sequence: seq
                )
            )
        }
        return result
    }

    /// The endpoint's attempts, newest first; 404 for an unknown endpoint or another customer's.
    public func deliveries(endpointId: UUID, customerId: UUID, page: PageRequest) async throws -> Page<WebhookDelivery> {
        _ = try await endpoint(id: endpointId, customerId: customerId)
        let before = try page.cursorValue() ?? Int64.max
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.deliveryColumns) FROM webhook_attempts
            WHERE endpoint_id = \(endpointId) AND seq < \(before) ORDER BY seq DESC LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        return Page(fetched: try await Self.deliveries(rows), limit: page.limit) { $0.sequence }
    }

    /// Sends the attempt's event to its endpoint again now, as a new attempt (the same `webhook-id`); 409 when the
    /// endpoint is disabled.
    public func replay(endpointId: UUID, deliveryId: UUID, customerId: UUID, audit: AuditContext) async throws -> WebhookDelivery {
        let endpoint = try await endpoint(id: endpointId, customerId: customerId)
        guard endpoint.isEnabled else { throw Problem.illegalTransition("webhook endpoint", from: "disabled", action: "replay a delivery to") }
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO webhook_attempts (endpoint_id, event_id, event_type, attempt, next_attempt_at)
                SELECT endpoint_id, event_id, event_type, 1, now() FROM webhook_attempts WHERE id = \(deliveryId) AND endpoint_id = \(endpointId)
                RETURNING \(unescaped: Self.deliveryColumns)
                """,
                logger: logger
            )
            guard let delivery = try await Self.deliveries(rows).first else { throw Problem.notFound("Delivery") }
            try await AuditLog.record(
                on: connection, audit, action: "webhook.replayed", entity: "webhook_endpoint", entityId: endpointId.uuidString,
                after: ["eventId": delivery.eventId.uuidString, "attemptId": delivery.id.uuidString], logger: logger
            )
            return delivery
        }
    }
}
