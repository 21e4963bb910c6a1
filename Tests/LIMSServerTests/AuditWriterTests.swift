import Foundation
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@Suite("One audit writer")
struct AuditWriterTests {
    @Test func swiftRecordsGoThroughTheSameSQLFunctionAsTheJobClaim() async throws {
        try await TestLab.run { lab in
            let logger = lab.database.logger
            // In this test's own database, the function marks what it writes: an event AuditLog.record inserted by
            // itself would come out unmarked.
            try await lab.asOwner(
                """
                CREATE OR REPLACE FUNCTION record_audit_event(
                    p_actor_kind text, p_actor_id uuid, p_actor_name text, p_action text, p_entity text, p_entity_id text,
                    p_before jsonb, p_after jsonb, p_request_id text
                ) RETURNS bigint LANGUAGE sql VOLATILE AS $$
                    INSERT INTO audit_events (actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, request_id)
                    VALUES (p_actor_kind, p_actor_id, p_actor_name, p_action, p_entity, lower(p_entity_id), p_before, p_after,
                            'marked:' || coalesce(p_request_id, ''))
                    RETURNING id;
                $$
                """
            )
            var before: Int64 = 0
            let last = try await lab.database.client.query("SELECT coalesce(max(id), 0) FROM audit_events", logger: logger)
            for try await id in last.decode(Int64.self) {
                before = id
            }
            let created = try await lab.staff(["technician"])
            try await lab.database.transaction { connection in
                try await AuditLog.record(
                    on: connection, AuditContext(actor: .system, requestId: "writer-test"), action: "test.recorded", entity: "staff_user",
                    entityId: created.id.uuidString, after: ["note": "upper-case id in"], logger: logger
                )
            }
            let rows = try await lab.database.client.query(
                "SELECT action, entity_id, request_id FROM audit_events WHERE id > \(before) ORDER BY id", logger: logger
            )
            var events: [(action: String, entityId: String, requestId: String?)] = []
            for try await row in rows.decode((String, String, String?).self) { events.append(row) }
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0.requestId?.hasPrefix("marked:") == true }, "every event went through record_audit_event: \(events)")
            let recorded = try #require(events.last)
            #expect(recorded.action == "test.recorded")
            #expect(recorded.entityId == created.id.uuidString.lowercased())
            #expect(recorded.requestId == "marked:writer-test")
        }
    }
}
