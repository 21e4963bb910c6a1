import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// The delivery queue in the database: fanning queued events out into attempts, claiming due attempts with a lease,
/// and recording how each went. Every instance's workers use it at once; the database's row locks keep them apart.
struct WebhookQueue: Sendable {
    let database: Database
    let settings: WebhookSettings

    var logger: Logger { database.logger }

    /// Turns up to `limit` queued events into one pending attempt per matching enabled endpoint, in one statement:
    /// the queue rows are deleted exactly when their attempts exist. Returns how many events it took.
    func fanOut(limit: Int = 500) async throws -> Int {
        let rows = try await database.client.query(
            """
            WITH taken AS (
                DELETE FROM webhook_outbox WHERE seq IN (
                    SELECT seq FROM webhook_outbox ORDER BY seq LIMIT \(limit) FOR UPDATE SKIP LOCKED
                ) RETURNING event_id, customer_id, event_type
            ), made AS (
                INSERT INTO webhook_attempts (endpoint_id, event_id, event_type, attempt, next_attempt_at)
                SELECT e.id, t.event_id, t.event_type, 1, now()
                FROM taken t JOIN webhook_endpoints e ON e.customer_id = t.customer_id AND e.status = 'enabled'
                    AND (e.event_types IS NULL OR t.event_type = ANY (e.event_types))
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM taken)::int
            """,
            logger: logger
        )
        var taken = 0
        for try await value in rows.decode(Int.self) { taken = value }
        return taken
    }

    /// A claimed attempt: what the worker needs to send it, and the lease that proves it still holds the claim.
    struct Claimed: Sendable {
        var id: UUID
        var leaseToken: UUID
        var endpointId: UUID
        var customerId: UUID
        var url: String
        var eventId: UUID
        var eventType: String
        var attempt: Int
        var secretSealed: Data
        var previousSecretSealed: Data?
    }

    /// Claims up to `limit` due attempts of enabled endpoints that nobody holds (or whose holder's lease ran out).
    func claim(limit: Int) async throws -> [Claimed] {
        let token = UUID()
        let lease = DurationText.seconds(settings.lease)
        let rows = try await database.client.query(
            """
            UPDATE webhook_attempts a SET lease_until = now() + make_interval(secs => \(lease)), lease_token = \(token)
            FROM webhook_endpoints e
            WHERE a.id IN (
                SELECT p.id FROM webhook_attempts p JOIN webhook_endpoints pe ON pe.id = p.endpoint_id AND pe.status = 'enabled'
                WHERE p.status = 'pending' AND p.next_attempt_at <= now() AND (p.lease_until IS NULL OR p.lease_until < now())
                ORDER BY p.next_attempt_at LIMIT \(limit)
                FOR UPDATE OF p SKIP LOCKED
            ) AND e.id = a.endpoint_id
            RETURNING a.id, a.endpoint_id, e.customer_id, e.url, a.event_id, a.event_type, a.attempt, e.secret_sealed,
                CASE WHEN e.previous_secret_until > now() THEN e.previous_secret_sealed END
            """,
            logger: logger
        )
        var claimed: [Claimed] = []
        for try await (id, endpoint, customer, url, event, type, attempt, sealed, previous) in rows.decode(
            (UUID, UUID, UUID, String, UUID, String, Int, Data, Data?).self
        ) {
            claimed.append(
                Claimed(
                    id: id, leaseToken: token, endpointId: endpoint, customerId: customer, url: url, eventId: event, eventType: type, attempt: attempt,
                    secretSealed: sealed, previousSecretSealed: previous
                )
            )
        }
        return claimed
    }

    /// How an attempt went.
    enum Outcome: Sendable {
        case delivered(status: Int)
        /// Not delivered: an HTTP status (nil when no answer came) and what went wrong.
        case failed(status: Int?, error: String)
        /// 410 Gone: the receiver asks never to be called again.
        case gone
    }

    /// Records the outcome of a claimed attempt, if this worker still holds its lease (otherwise another took it over
    /// and its record wins). A failure schedules the retry as a new pending attempt, or, with the schedule spent or on
    /// 410, disables the endpoint and tells the customer with a `webhook.disabled` event.
    func record(_ claimed: Claimed, outcome: Outcome, startedAt: Date, durationMs: Int) async throws {
        try await database.transaction { connection in
            let status: String
            var responseStatus: Int?
            var error: String?
            var retryAt: Date?
            var disable: String?
            switch outcome {
            case .delivered(let code):
                status = "delivered"
                responseStatus = code
            case .gone:
                status = "failed"
                responseStatus = 410
                error = "410 Gone: the endpoint is disabled"
                disable = "The endpoint answered 410 Gone."
            case .failed(let code, let message):
                status = "failed"
                responseStatus = code
                error = String(message.prefix(500))
                if let delay = settings.retryDelay(after: claimed.attempt) {
                    retryAt = Date().addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                } else {
                    disable = "Every attempt of the retry schedule failed."
                }
            }
            let rows = try await connection.query(
                """
                UPDATE webhook_attempts SET status = \(status), response_status = \(responseStatus), error = \(error), duration_ms = \(durationMs),
                    attempted_at = \(startedAt), next_attempt_at = \(retryAt), lease_until = NULL, lease_token = NULL
                WHERE id = \(claimed.id) AND lease_token = \(claimed.leaseToken) AND status = 'pending'
                RETURNING 1
                """,
                logger: logger
            )
            var held = false
            for try await _ in rows { held = true }
            guard held else { return }
            if let retryAt {
                try await connection.query(
                    """
                    INSERT INTO webhook_attempts (endpoint_id, event_id, event_type, attempt, next_attempt_at)
                    VALUES (\(claimed.endpointId), \(claimed.eventId), \(claimed.eventType), \(claimed.attempt + 1), \(retryAt))
                    """,
                    logger: logger
                )
            }
            if let disable { try await disableEndpoint(claimed, reason: disable, on: connection) }
        }
    }

    /// Disables an enabled endpoint and appends `webhook.disabled` to its customer's feed (once: only the change
    /// from enabled does it).
    func disableEndpoint(_ claimed: Claimed, reason: String, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = \(reason), disabled_at = now()
            WHERE id = \(claimed.endpointId) AND status = 'enabled' RETURNING url
            """,
            logger: logger
        )
        var url: String?
        for try await value in rows.decode(String.self) { url = value }
        guard let url else { return }
        try await CustomerEventLog.append(
            on: connection, customerId: claimed.customerId, type: WebhookEventType.disabled, subjectId: claimed.endpointId,
            data: DisabledEventData(endpointId: claimed.endpointId, url: url, reason: reason, lastEventId: claimed.eventId), logger: logger
        )
        try await AuditLog.record(
            on: connection, .system, action: "webhook.disabled", entity: "webhook_endpoint", entityId: claimed.endpointId.uuidString,
            after: ["reason": reason], logger: logger
        )
    }

    struct DisabledEventData: Encodable, Sendable {
        var endpointId: UUID
        var url: String
        var reason: String
        var lastEventId: UUID
    }
}
