import Accounts
import Foundation
import LIMSCore
import PostgresNIO

/// The recall sweep: tells each customer, through its event feed, which of its instruments fall due soon
/// (`instrument.due_soon`, within its `reminderLeadDays`) and which are overdue (`instrument.overdue`).
///
/// Every instance runs it (`LIMS_RECALL_INTERVAL`), and `lims recall run` runs it once, so several may run at the same
/// moment: what keeps a notice single is the primary key of `instrument_recall_notices` (instrument, due date, kind).
/// Each batch inserts its notices `ON CONFLICT DO NOTHING` and appends an event only for the rows it inserted, in the
/// same transaction; a concurrent sweep inserting the same notice waits for that transaction and then inserts nothing.
/// A new due date (the instrument was serviced again) is a new key, so it gets its own notices.
///
/// The sweep reads `instrument_recall_pending`, the notices still to send that `instrument_refresh` queues for each due
/// date (its own table, so PostgreSQL knows how few fell due), not every overdue instrument of the register. Candidates
/// are locked `FOR UPDATE SKIP LOCKED`: concurrent sweeps share the work instead of queueing, and the notice's key, not the
/// lock, is what keeps a notice single.
public struct RecallSweep: Sendable {
    let store: InstrumentStore
    /// Notices per transaction: a catch-up after a long pause commits as it goes instead of in one huge transaction.
    let batchSize: Int

    public init(store: InstrumentStore, batchSize: Int = 500) {
        self.store = store
        self.batchSize = batchSize
    }

    public enum NoticeKind: String, Sendable, CaseIterable {
        case dueSoon = "due_soon"
        case overdue

        var eventType: String { self == .dueSoon ? "instrument.due_soon" : "instrument.overdue" }
    }

    /// How many notices one pass sent (only those it inserted itself).
    public struct Summary: Sendable, Equatable, Codable {
        public var dueSoon: Int
        public var overdue: Int

        public var total: Int { dueSoon + overdue }

        public init(dueSoon: Int, overdue: Int) {
            self.dueSoon = dueSoon
            self.overdue = overdue
        }
    }

    /// What an `instrument.due_soon` or `instrument.overdue` event carries.
    struct EventData: Encodable, Sendable {
        var instrumentId: UUID
        var dueOn: String
        var status: String
        var manufacturer: String
        var model: String
        var serialNumber: String
        var assetTag: String?
    }

    /// One pass on `today` (UTC): overdue notices first, then due-soon ones.
    @discardableResult
    public func run(today: String = InstrumentStore.today()) async throws -> Summary {
        let leads = try await store.database.connection { connection in try await store.customers.reminderLeadDays(on: connection) }
        let leadsJSON = InstrumentStore.leadsJSON(leads)
        let horizon = Calendar.day(today, plus: leads.values.max() ?? CustomerStore.defaultReminderLeadDays)
        // A due date that passed before any pass saw it coming gets no late due-soon notice: only the overdue one.
        try await store.database.client.query(
            "DELETE FROM instrument_recall_pending WHERE kind = 'due_soon' AND due_on < \(today)::date", logger: store.database.logger
        )
        var summary = Summary(dueSoon: 0, overdue: 0)
        for kind in [NoticeKind.overdue, .dueSoon] {
            while true {
                let (candidates, sent) = try await batch(kind, today: today, horizon: horizon, leadsJSON: leadsJSON)
                if kind == .overdue { summary.overdue += sent } else { summary.dueSoon += sent }
                if candidates < batchSize { break }
            }
        }
        return summary
    }

    /// One transaction: up to `batchSize` instruments lacking the notice, the notices inserted, and one event per notice
    /// inserted. Returns how many candidates it saw (a full batch means there may be more) and how many it sent.
    func batch(_ kind: NoticeKind, today: String, horizon: String, leadsJSON: String) async throws -> (candidates: Int, sent: Int) {
        let database = store.database
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                WITH candidates AS (
                    SELECT p.instrument_id, p.customer_id, p.due_on FROM instrument_recall_pending p
                    WHERE p.kind = \(kind.rawValue)
                      AND (\(kind == .overdue) = false OR p.due_on < \(today)::date)
                      AND (\(kind == .dueSoon) = false
                           OR (p.due_on >= \(today)::date AND p.due_on <= \(horizon)::date
                               AND p.due_on <= \(today)::date + coalesce((\(leadsJSON)::jsonb ->> p.customer_id::text)::int, 0)))
                    ORDER BY p.due_on, p.instrument_id
                    LIMIT \(batchSize)
                    FOR UPDATE SKIP LOCKED
                ), sent AS (
                    INSERT INTO instrument_recall_notices (instrument_id, due_on, kind, customer_id)
                    SELECT instrument_id, due_on, \(kind.rawValue), customer_id FROM candidates
                    ON CONFLICT DO NOTHING
                    RETURNING instrument_id, due_on, customer_id
                ), taken AS (
                    DELETE FROM instrument_recall_pending p USING candidates c
                    WHERE p.instrument_id = c.instrument_id AND p.kind = \(kind.rawValue) AND p.due_on = c.due_on
                )
                SELECT (SELECT count(*) FROM candidates), s.instrument_id, s.due_on::text, s.customer_id, i.manufacturer, i.model, i.serial_number,
                       i.asset_tag
                FROM (SELECT 1) one
                LEFT JOIN (sent s JOIN instruments i ON i.id = s.instrument_id) ON true
                """,
                logger: database.logger
            )
            var candidates = 0
            var notices: [(customerId: UUID, data: EventData)] = []
            for try await row in rows.decode((Int64, UUID?, String?, UUID?, String?, String?, String?, String?).self) {
                candidates = Int(row.0)
                guard let id = row.1, let dueOn = row.2, let customerId = row.3, let manufacturer = row.4, let model = row.5, let serial = row.6 else {
                    continue
                }
                notices.append((customerId, EventData(
                    instrumentId: id, dueOn: dueOn, status: kind.rawValue, manufacturer: manufacturer, model: model, serialNumber: serial, assetTag: row.7
                )))
            }
            for notice in notices {
                try await CustomerEventLog.append(
                    on: connection, customerId: notice.customerId, type: kind.eventType, subjectId: notice.data.instrumentId, data: notice.data,
                    logger: database.logger
                )
            }
            if !notices.isEmpty {
                try await AuditLog.record(
                    on: connection, .system, action: "instrument.recall_notices_sent", entity: "recall", entityId: today,
                    after: SentNotices(kind: kind.rawValue, count: notices.count, instrumentIds: notices.map(\.data.instrumentId)),
                    logger: database.logger
                )
            }
            return (candidates, notices.count)
        }
    }

    struct SentNotices: Encodable, Sendable {
        var kind: String
        var count: Int
        var instrumentIds: [UUID]
    }
}
