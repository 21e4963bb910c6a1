import Foundation
import LIMSCore

/// `GET /v1/reports/equipment-due`: reference equipment whose calibration falls due within `withinDays` of `asOf`, or is
/// overdue, or was never calibrated (`dueOn` null), retired equipment aside; soonest first. Each lists its live
/// bookings that overlap the window from `asOf` (00:00 UTC) to the end of day `asOf + withinDays`.
public struct EquipmentDueReport: Codable, Sendable, Equatable {
    public struct Booking: Codable, Sendable, Equatable {
        public var id: UUID
        public var start: Date
        public var end: Date
        public var jobId: UUID?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            try container.encode(jobId, forKey: .jobId)  // explicit null
        }
    }

    public struct Row: Codable, Sendable, Equatable {
        public var equipmentId: UUID
        public var assetTag: String
        public var name: String
        public var status: String
        public var dueOn: String?
        /// `dueOn − asOf` in days: negative when overdue; null when never calibrated.
        public var daysLeft: Int?
        public var overdue: Bool
        public var bookings: [Booking]

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(equipmentId, forKey: .equipmentId)
            try container.encode(assetTag, forKey: .assetTag)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
            try container.encode(dueOn, forKey: .dueOn)  // explicit null
            try container.encode(daysLeft, forKey: .daysLeft)
            try container.encode(overdue, forKey: .overdue)
            try container.encode(bookings, forKey: .bookings)
        }
    }

    public var asOf: String
    public var withinDays: Int
    public var rows: [Row]
}

extension EquipmentDueReport: CSVReport {
    public static let csvHeader = ["equipmentId", "assetTag", "name", "status", "dueOn", "daysLeft", "overdue", "bookings", "bookedPeriods"]

    public var csvRows: [[CSVText.Cell]] {
        let formatter = ISO8601DateFormatter()
        return rows.map { row in
            [
                .text(row.equipmentId.uuidString.lowercased()), .text(row.assetTag), .text(row.name), .text(row.status), .text(row.dueOn ?? ""),
                row.daysLeft.map { .number(String($0)) } ?? .text(""), .text(row.overdue ? "true" : "false"), .number(String(row.bookings.count)),
                .text(row.bookings.map { "\(formatter.string(from: $0.start))/\(formatter.string(from: $0.end))" }.joined(separator: " ")),
            ]
        }
    }
}

extension ManagementStore {
    public func equipmentDue(asOf: String, withinDays: Int) async throws -> EquipmentDueReport {
        let rows = try await database.client.query(
            """
            SELECT equipment_id, asset_tag, name, status, due_on::text, due_on - \(asOf)::date
            FROM report_equipment_due
            WHERE status <> 'retired' AND (due_on IS NULL OR due_on <= \(asOf)::date + \(withinDays)::int)
            ORDER BY due_on NULLS FIRST, asset_tag
            """,
            logger: database.logger
        )
        var report = EquipmentDueReport(asOf: asOf, withinDays: withinDays, rows: [])
        for try await row in rows.decode((UUID, String, String, String, String?, Int?).self) {
            report.rows.append(.init(
                equipmentId: row.0, assetTag: row.1, name: row.2, status: row.3, dueOn: row.4, daysLeft: row.5, overdue: (row.5 ?? 0) < 0, bookings: []
            ))
        }
        guard !report.rows.isEmpty else { return report }
        let bookings = try await database.client.query(
            """
            SELECT booking_id, equipment_id, lower(during), upper(during), job_id
            FROM report_bookings
            WHERE equipment_id = ANY(\(report.rows.map(\.equipmentId))::uuid[])
              AND during && tstzrange((\(asOf)::date)::timestamp AT TIME ZONE 'UTC', (\(asOf)::date + \(withinDays)::int + 1)::timestamp AT TIME ZONE 'UTC')
            ORDER BY lower(during)
            """,
            logger: database.logger
        )
        var byEquipment: [UUID: [EquipmentDueReport.Booking]] = [:]
        for try await (id, equipmentId, start, end, jobId) in bookings.decode((UUID, UUID, Date, Date, UUID?).self) {
            byEquipment[equipmentId, default: []].append(.init(id: id, start: start, end: end, jobId: jobId))
        }
        for index in report.rows.indices { report.rows[index].bookings = byEquipment[report.rows[index].equipmentId] ?? [] }
        return report
    }
}
