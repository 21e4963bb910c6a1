import Foundation
import Logging
import PostgresNIO

/// Who made a change: a staff user, a customer's system, or the system itself.
public struct AuditActor: Sendable, Equatable, Codable {
    public var kind: String
    public var id: UUID?
    public var name: String?

    public init(kind: String, id: UUID?, name: String?) {
        self.kind = kind
        self.id = id
        self.name = name
    }

    public static let system = AuditActor(kind: "system", id: nil, name: "system")
}

/// The who and which-request of a change, carried from the handler to the audit writer.
public struct AuditContext: Sendable {
    public var actor: AuditActor
    public var requestId: String?

    public init(actor: AuditActor, requestId: String?) {
        self.actor = actor
        self.requestId = requestId
    }

    public static let system = AuditContext(actor: .system, requestId: nil)
}

/// An entry of the append-only audit log.
public struct AuditEvent: Codable, Sendable {
    public var id: Int64
    public var at: Date
    public var actor: AuditActor
    public var action: String
    public var entity: String
    public var entityId: String
    public var before: JSONValue?
    public var after: JSONValue?
    public var requestId: String?
}

/// A state change to record, prepared before the statement that writes it: a caller that ends its transaction with a
/// write of its own (the stored idempotent response) records the event in that same statement, one round trip fewer.
public struct AuditEntry: Sendable {
    public var context: AuditContext
    public var action: String
    public var entity: String
    public var entityId: String
    public var beforeJSON: EncodedJSON?
    public var afterJSON: EncodedJSON?

    public init(_ context: AuditContext, action: String, entity: String, entityId: String, beforeJSON: EncodedJSON? = nil, afterJSON: EncodedJSON?) {
        self.context = context
        self.action = action
        self.entity = entity
        self.entityId = entityId
        self.beforeJSON = beforeJSON
        self.afterJSON = afterJSON
    }
}

/// Writes and reads the audit log. The table rejects UPDATE and DELETE itself (migration 0002),
/// so an event, once committed with the change it records, stays as written.
public enum AuditLog {
    /// Records one state change on `connection`, i.e. inside the caller's transaction, through the database's
    /// `record_audit_event` (migration 0014): the one writer of the audit log, which SQL statements also call.
    public static func record(
        on connection: PostgresConnection,
        _ context: AuditContext,
        action: String,
        entity: String,
        entityId: String,
        before: (some Encodable & Sendable)? = JSONValue?.none,
        after: (some Encodable & Sendable)? = JSONValue?.none,
        logger: Logger
    ) async throws {
        try await record(
            on: connection, context, action: action, entity: entity, entityId: entityId,
            beforeJSON: try before.map { try EncodedJSON(encoding: $0) }, afterJSON: try after.map { try EncodedJSON(encoding: $0) },
            logger: logger
        )
    }

    /// Records one state change whose images are already encoded: a handler that answers with the same JSON as the
    /// after-image encodes it once and passes the bytes to both.
    public static func record(
        on connection: PostgresConnection,
        _ context: AuditContext,
        action: String,
        entity: String,
        entityId: String,
        beforeJSON: EncodedJSON? = nil,
        afterJSON: EncodedJSON?,
        logger: Logger
    ) async throws {
        // Entity ids are stored lower-cased (the canonical text form of a UUID), whoever wrote them: Swift
        // prints UUIDs in upper case, PostgreSQL in lower case; the function lower-cases, as `list` does the filter.
        try await connection.query(
            """
            SELECT record_audit_event(\(context.actor.kind), \(context.actor.id), \(context.actor.name), \(action), \(entity), \(entityId),
                                      \(beforeJSON), \(afterJSON), \(context.requestId))
            """,
            logger: logger
        )
    }

    /// Records a prepared entry on `connection`.
    public static func record(_ entry: AuditEntry, on connection: PostgresConnection, logger: Logger) async throws {
        try await record(
            on: connection, entry.context, action: entry.action, entity: entry.entity, entityId: entry.entityId, beforeJSON: entry.beforeJSON,
            afterJSON: entry.afterJSON, logger: logger
        )
    }

    /// Lists events oldest first, filtered by entity and entity id, keyset-paged by event id.
    public static func list(
        client: PostgresClient,
        entity: String?,
        entityId: String?,
        action: String?,
        page: PageRequest,
        logger: Logger
    ) async throws -> Page<AuditEvent> {
        let after = try page.cursorValue() ?? 0
        let entityId = entityId?.lowercased()
        let rows = try await client.query(
            """
            SELECT id, at, actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, request_id
            FROM audit_events
            WHERE id > \(after)
              AND (\(entity)::text IS NULL OR entity = \(entity))
              AND (\(entityId)::text IS NULL OR entity_id = \(entityId))
              AND (\(action)::text IS NULL OR action = \(action))
            ORDER BY id
            LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        var events: [AuditEvent] = []
        for try await row in rows.decode(
            (Int64, Date, String, UUID?, String?, String, String, String, JSONValue?, JSONValue?, String?).self
        ) {
            events.append(
                AuditEvent(
                    id: row.0, at: row.1, actor: AuditActor(kind: row.2, id: row.3, name: row.4),
                    action: row.5, entity: row.6, entityId: row.7, before: row.8, after: row.9, requestId: row.10
                )
            )
        }
        return Page(fetched: events, limit: page.limit) { $0.id }
    }
}
