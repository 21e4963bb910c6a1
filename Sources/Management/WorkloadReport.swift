import Foundation
import LIMSCore

/// `GET /v1/reports/workload`: where open work stands now.
///
/// Open jobs are those queued, claimed, in review or awaiting signature. Each row counts open jobs by age, in whole days
/// from the item's receipt (UTC date) to `asOf`: 0–2, 3–7, 8–14, 15 and more. Rows of `kind: "state"` group them by
/// state (every open state listed, even when empty); rows of `kind: "technician"` count the jobs each technician has
/// claimed and not yet submitted (`key` is the staff id).
public struct WorkloadReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var kind: String
        public var key: String
        public var name: String?
        public var jobs: Int
        public var days0to2: Int
        public var days3to7: Int
        public var days8to14: Int
        public var days15Plus: Int

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(key, forKey: .key)
            try container.encode(name, forKey: .name)  // explicit null for states
            try container.encode(jobs, forKey: .jobs)
            try container.encode(days0to2, forKey: .days0to2)
            try container.encode(days3to7, forKey: .days3to7)
            try container.encode(days8to14, forKey: .days8to14)
            try container.encode(days15Plus, forKey: .days15Plus)
        }
    }

    public var asOf: String
    public var rows: [Row]

    public static let openStates = ["queued", "claimed", "in_review", "awaiting_signature"]

    public var states: [Row] { rows.filter { $0.kind == "state" } }
    public var technicians: [Row] { rows.filter { $0.kind == "technician" } }
}

extension WorkloadReport: CSVReport {
    public static let csvHeader = ["kind", "key", "name", "jobs", "days0to2", "days3to7", "days8to14", "days15Plus"]

    public var csvRows: [[CSVText.Cell]] {
        rows.map { [.text($0.kind), .text($0.key), .text($0.name ?? ""), .number(String($0.jobs)), .number(String($0.days0to2)),
                    .number(String($0.days3to7)), .number(String($0.days8to14)), .number(String($0.days15Plus))] }
    }
}

extension ManagementStore {
    public func workload(asOf: String) async throws -> WorkloadReport {
        let rows = try await database.client.query(
            """
            WITH open AS (
                SELECT j.state, j.holder_id, \(asOf)::date - (r.received_at AT TIME ZONE 'UTC')::date AS age
                FROM report_jobs j
                JOIN report_receipts r ON r.item_id = j.item_id
                WHERE j.state IN ('queued', 'claimed', 'in_review', 'awaiting_signature')
            ), grouped AS (
                SELECT 'state' AS kind, s.state AS key, NULL::text AS name, array_position(\(WorkloadReport.openStates)::text[], s.state) AS position,
                       o.age
                FROM unnest(\(WorkloadReport.openStates)::text[]) s (state)
                LEFT JOIN open o ON o.state = s.state
                UNION ALL
                SELECT 'technician', o.holder_id::text, st.name, 100, o.age
                FROM open o
                JOIN report_staff st ON st.staff_id = o.holder_id
                WHERE o.state = 'claimed'
            )
            SELECT kind, key, name, count(age)::int,
                   (count(*) FILTER (WHERE age <= 2))::int,
                   (count(*) FILTER (WHERE age BETWEEN 3 AND 7))::int,
                   (count(*) FILTER (WHERE age BETWEEN 8 AND 14))::int,
                   (count(*) FILTER (WHERE age >= 15))::int
            FROM grouped
            GROUP BY kind, key, name, position
            ORDER BY position, name, key
            """,
            logger: database.logger
        )
        var report = WorkloadReport(asOf: asOf, rows: [])
        for try await row in rows.decode((String, String, String?, Int, Int, Int, Int, Int).self) {
            report.rows.append(.init(kind: row.0, key: row.1, name: row.2, jobs: row.3, days0to2: row.4, days3to7: row.5, days8to14: row.6, days15Plus: row.7))
        }
        return report
    }
}
