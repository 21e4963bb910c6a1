import Accounts
import Foundation
import LIMSCore
import PostgresNIO

/// `GET /v1/reports/compliance`: where a customer's instruments stand today, by mandatory-verification category, and the
/// share of the window's re-verifications signed on or before the previous due date ("on-time compliance").
public struct ComplianceReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        /// The mandatory-verification category; `null` for instruments under no mandatory verification.
        public var category: MandatoryVerificationCategory?
        public var instruments: Int
        public var inPeriod: Int
        public var dueSoon: Int
        public var overdue: Int
        public var failed: Int
        public var noDueDate: Int

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(category, forKey: .category)  // explicit null
            try container.encode(instruments, forKey: .instruments)
            try container.encode(inPeriod, forKey: .inPeriod)
            try container.encode(dueSoon, forKey: .dueSoon)
            try container.encode(overdue, forKey: .overdue)
            try container.encode(failed, forKey: .failed)
            try container.encode(noDueDate, forKey: .noDueDate)
        }
    }

    public var customerId: UUID?
    public var from: String
    public var to: String
    public var instruments: Int
    public var inPeriod: Int
    public var dueSoon: Int
    public var overdue: Int
    public var failed: Int
    public var noDueDate: Int
    /// Re-verifications signed in the window whose instrument's previous verification stated a valid-until date.
    public var reverifications: Int
    public var onTime: Int
    /// `onTime / reverifications`; `null` when the window holds none.
    public var onTimeRate: Double?
    public var byCategory: [Row]

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(instruments, forKey: .instruments)
        try container.encode(inPeriod, forKey: .inPeriod)
        try container.encode(dueSoon, forKey: .dueSoon)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(failed, forKey: .failed)
        try container.encode(noDueDate, forKey: .noDueDate)
        try container.encode(reverifications, forKey: .reverifications)
        try container.encode(onTime, forKey: .onTime)
        try container.encode(onTimeRate, forKey: .onTimeRate)  // explicit null
        try container.encode(byCategory, forKey: .byCategory)
    }
}

extension InstrumentStore {
    /// The compliance figures of one customer (or of every customer: `nil`) today, with the on-time rate of the
    /// re-verifications issued from `from` to `to` (inclusive dates).
    ///
    /// A re-verification is a verification (passed or failed) that Calibra signed, an original rather than an amendment
    /// and not withdrawn, for an instrument whose previous verification (by date of work, imported ones included)
    /// passed: it is on time when it was issued on or before that verification's valid-until date.
    public func compliance(customerId: UUID?, from: String, to: String, today: String = InstrumentStore.today()) async throws -> ComplianceReport {
        try await database.connection { connection in
            let leads: [UUID: Int]
            if let customerId {
                guard let lead = try await customers.reminderLeadDays(customerId: customerId, on: connection) else { throw Problem.notFound("Customer") }
                leads = [customerId: lead]
            } else {
                leads = try await customers.reminderLeadDays(on: connection)
            }
            let leadsJSON = Self.leadsJSON(leads)
            let counts = try await connection.query(
                """
                SELECT i.mandatory_verification_category, count(*),
                       count(*) FILTER (WHERE i.next_due_on > \(today)::date + l.lead),
                       count(*) FILTER (WHERE i.next_due_on >= \(today)::date AND i.next_due_on <= \(today)::date + l.lead),
                       count(*) FILTER (WHERE i.next_due_on < \(today)::date),
                       count(*) FILTER (WHERE i.last_result = 'fail'),
                       count(*) FILTER (WHERE i.next_due_on IS NULL AND i.last_result IS DISTINCT FROM 'fail')
                FROM instruments i
                CROSS JOIN LATERAL (SELECT coalesce((\(leadsJSON)::jsonb ->> i.customer_id::text)::int, 0) AS lead) l
                WHERE \(customerId)::uuid IS NULL OR i.customer_id = \(customerId)
                GROUP BY i.mandatory_verification_category
                ORDER BY i.mandatory_verification_category NULLS LAST
                """,
                logger: database.logger
            )
            var rows: [ComplianceReport.Row] = []
            for try await row in counts.decode((String?, Int, Int, Int, Int, Int, Int).self) {
                rows.append(ComplianceReport.Row(
                    category: try row.0.map {
                        try StoredValue.decode(MandatoryVerificationCategory.self, $0, table: "instruments", column: "mandatory_verification_category")
                    },
                    instruments: row.1, inPeriod: row.2, dueSoon: row.3, overdue: row.4, failed: row.5, noDueDate: row.6
                ))
            }
            let timeliness = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE previous.valid_until IS NOT NULL),
                       count(*) FILTER (WHERE r.issued_on <= previous.valid_until)
                FROM instrument_certificates r
                JOIN instruments i ON i.id = r.instrument_id
                LEFT JOIN LATERAL (
                    SELECT p.valid_until FROM instrument_certificates p
                    WHERE p.instrument_id = r.instrument_id AND p.status <> 'withdrawn'
                      AND p.kind IN ('verification-certificate', 'verification-result-notice')
                      AND (p.service_on, p.issued_on, p.recorded_at) < (r.service_on, r.issued_on, r.recorded_at)
                      AND p.id <> r.id
                    ORDER BY p.service_on DESC, p.issued_on DESC, p.recorded_at DESC
                    LIMIT 1
                ) previous ON true
                WHERE r.kind IN ('verification-certificate', 'verification-result-notice') AND r.supersedes IS NULL AND NOT r.imported
                  AND r.status <> 'withdrawn' AND r.issued_on BETWEEN \(from)::date AND \(to)::date
                  AND (\(customerId)::uuid IS NULL OR i.customer_id = \(customerId))
                """,
                logger: database.logger
            )
            var reverifications = 0
            var onTime = 0
            for try await (counted, timely) in timeliness.decode((Int, Int).self) {
                reverifications = counted
                onTime = timely
            }
            return ComplianceReport(
                customerId: customerId, from: from, to: to, instruments: rows.reduce(0) { $0 + $1.instruments },
                inPeriod: rows.reduce(0) { $0 + $1.inPeriod }, dueSoon: rows.reduce(0) { $0 + $1.dueSoon },
                overdue: rows.reduce(0) { $0 + $1.overdue }, failed: rows.reduce(0) { $0 + $1.failed },
                noDueDate: rows.reduce(0) { $0 + $1.noDueDate }, reverifications: reverifications, onTime: onTime,
                onTimeRate: reverifications == 0 ? nil : Double(onTime) / Double(reverifications), byCategory: rows
            )
        }
    }
}
