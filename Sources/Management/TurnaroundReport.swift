import Foundation
import LIMSCore

/// `GET /v1/reports/turnaround`: how long work took from receipt to signing, and whether it was signed on time.
///
/// A job counts when its original certificate was signed from `from` to `to` (UTC dates, inclusive). Its turnaround is
/// the time from the item's receipt to that signing, in days (fractional); `medianDays` and `p90Days` are the
/// continuous percentiles (`percentile_cont`) of those times, rounded to 0.01 day. A job is on time when it was signed
/// on or before its due date (UTC); `onTimeRate` is the share of the group's jobs on time.
public struct TurnaroundReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        /// The service code, or the month of signing (`YYYY-MM`).
        public var key: String
        public var completed: Int
        public var medianDays: Double
        public var p90Days: Double
        public var onTime: Int
        public var onTimeRate: Double
    }

    public var from: String
    public var to: String
    public var groupBy: String
    public var rows: [Row]

    public static let groupings = ["service", "month"]
}

extension TurnaroundReport: CSVReport {
    public static let csvHeader = ["key", "completed", "medianDays", "p90Days", "onTime", "onTimeRate"]

    public var csvRows: [[CSVText.Cell]] {
        rows.map { [.text($0.key), .number(String($0.completed)), .number(String($0.medianDays)), .number(String($0.p90Days)),
                    .number(String($0.onTime)), .number(String($0.onTimeRate))] }
    }
}

extension ManagementStore {
    public func turnaround(from: String, to: String, groupBy: String) async throws -> TurnaroundReport {
        // Two views: the jobs view carries the receipt time (0056), and covering indexes on both sides (0056, 0057) let a
        // year merge-join them from index-only scans; a short window reads the certificates it needs by signing time.
        let key = groupBy == "month" ? "to_char(c.issued_at AT TIME ZONE 'UTC', 'YYYY-MM')" : "j.service_code"
        let rows = try await database.client.query(
            """
            SELECT key, count::int, round(percentiles[1]::numeric, 2)::float8, round(percentiles[2]::numeric, 2)::float8, on_time FROM (
            SELECT key, count(*) AS count, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY days) AS percentiles,
                   (count(*) FILTER (WHERE on_time))::int AS on_time
            FROM (
                SELECT \(unescaped: key) AS key,
                       date_part('epoch', c.issued_at - j.received_at) / 86400 AS days,
                       (c.issued_at AT TIME ZONE 'UTC')::date <= j.due_on AS on_time
                FROM report_certificates c
                JOIN report_jobs j ON j.job_id = c.job_id
                WHERE c.issued_at >= (\(from)::date)::timestamp AT TIME ZONE 'UTC'
                  AND c.issued_at < (\(to)::date + 1)::timestamp AT TIME ZONE 'UTC'
            ) signed
            GROUP BY key
            ) grouped
            ORDER BY key
            """,
            logger: database.logger
        )
        var report = TurnaroundReport(from: from, to: to, groupBy: groupBy, rows: [])
        for try await (key, completed, median, p90, onTime) in rows.decode((String, Int, Double, Double, Int).self) {
            let rate = (Double(onTime) / Double(completed) * 10_000).rounded() / 10_000
            report.rows.append(.init(key: key, completed: completed, medianDays: median, p90Days: p90, onTime: onTime, onTimeRate: rate))
        }
        return report
    }
}
