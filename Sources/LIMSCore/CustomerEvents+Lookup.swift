import Foundation
import Logging
import PostgresNIO

extension CustomerEventLog {
    /// The events with these ids (those that exist), for modules that follow the feed by id, such as webhooks.
    public static func events(ids: [UUID], client: PostgresClient, logger: Logger) async throws -> [UUID: CustomerEvent] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.query(
            "SELECT id, seq, type, occurred_at, subject_id, data FROM customer_events WHERE id = ANY(\(ids))", logger: logger
        )
        var events: [UUID: CustomerEvent] = [:]
        for try await (id, seq, type, at, subject, data) in rows.decode((UUID, Int64, String, Date, UUID, JSONValue).self) {
            events[id] = CustomerEvent(id: id, sequence: seq, type: type, occurredAt: at, subjectId: subject, data: data)
        }
        return events
    }
}
