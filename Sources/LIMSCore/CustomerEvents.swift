import Foundation
import Logging
import PostgresNIO

/// An entry of a customer's event feed (`GET /v1/events`).
public struct CustomerEvent: Codable, Sendable {
    public var id: UUID
    public var sequence: Int64
    public var type: String
    public var occurredAt: Date
    public var subjectId: UUID
    public var data: JSONValue
}

/// Writes and reads the customer event feed: what a manufacturer's system polls to follow its work.
public enum CustomerEventLog {
    /// Appends an event in the caller's transaction, so it exists exactly when the change it announces does.
    public static func append(
        on connection: PostgresConnection,
        customerId: UUID,
        type: String,
        subjectId: UUID,
        data: some Encodable & Sendable,
        logger: Logger
    ) async throws {
        let payload = try EncodedJSON(encoding: data)
        try await connection.query(
            """
            INSERT INTO customer_events (customer_id, type, subject_id, data)
            VALUES (\(customerId), \(type), \(subjectId), \(payload))
            """,
            logger: logger
        )
    }

    /// The customer's own events, oldest first, after the cursor position.
    public static func list(client: PostgresClient, customerId: UUID, page: PageRequest, logger: Logger) async throws -> Page<CustomerEvent> {
        let after = try page.cursorValue() ?? 0
        let rows = try await client.query(
            """
            SELECT id, seq, type, occurred_at, subject_id, data FROM customer_events
            WHERE customer_id = \(customerId) AND seq > \(after)
            ORDER BY seq LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        var events: [CustomerEvent] = []
        for try await (id, seq, type, at, subject, data) in rows.decode((UUID, Int64, String, Date, UUID, JSONValue).self) {
            events.append(CustomerEvent(id: id, sequence: seq, type: type, occurredAt: at, subjectId: subject, data: data))
        }
        return Page(fetched: events, limit: page.limit) { $0.sequence }
    }
}
