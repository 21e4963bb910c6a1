import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// Reservations of equipment. Owns `equipment_bookings`.
///
/// Overlaps are made impossible by the table's exclusion constraint, not by a check before the insert: of any
/// number of racing requests for one slot exactly one commits, and the others are told which booking won.
public struct BookingStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    var logger: Logger { database.logger }

    public struct NewBooking: Decodable, Sendable {
        public var start: String?
        public var end: String?
        public var jobId: String?
    }

    static let exclusionConstraint = "equipment_bookings_no_overlap"

    /// Books `[start, end)`. 422 when the equipment is not in service, has no valid calibration, or its
    /// calibration falls due before `end`; 409 naming the conflicting booking when the slot is taken.
    public func create(equipmentId: UUID, _ input: NewBooking, audit: AuditContext) async throws -> Booking {
        var validator = Validator()
        let startText = validator.requireText(input.start, "start", maxLength: 40)
        let endText = validator.requireText(input.end, "end", maxLength: 40)
        let start = startText.isEmpty ? nil : DateFormats.parseTimestamp(startText)
        let end = endText.isEmpty ? nil : DateFormats.parseTimestamp(endText)
        if !startText.isEmpty, start == nil { validator.add("start", "must be an RFC 3339 timestamp") }
        if !endText.isEmpty, end == nil { validator.add("end", "must be an RFC 3339 timestamp") }
        if let start, let end, end <= start { validator.add("end", "must be after start") }
        var jobId: UUID?
        if let text = input.jobId {
            jobId = UUID(uuidString: text)
            if jobId == nil { validator.add("jobId", "must be a UUID") }
        }
        try validator.finish()
        guard let start, let end else { throw Problem.invalid("start", "is required") }

        for _ in 0..<3 {
            do {
                return try await insert(equipmentId: equipmentId, start: start, end: end, jobId: jobId, audit: audit)
            } catch let error as PSQLError where error.sqlState == "23P01" && error.constraintName == Self.exclusionConstraint {
                // The transaction that raised this is gone; find the winner from a fresh snapshot. If it was
                // cancelled in between, the slot is free again: try once more.
                if let winner = try await firstOverlap(equipmentId: equipmentId, start: start, end: end) {
                    throw Problem.conflict(
                        "The equipment is already booked from \(Self.timestamp(winner.start)) to \(Self.timestamp(winner.end)).",
                        extensions: [
                            "conflictingBooking": .object([
                                "id": .string(winner.id.uuidString), "start": .string(Self.timestamp(winner.start)),
                                "end": .string(Self.timestamp(winner.end)),
                            ])
                        ]
                    )
                }
            }
        }
        throw Problem.conflict("The equipment is being booked by others for this time; try again.")
    }

    func insert(equipmentId: UUID, start: Date, end: Date, jobId: UUID?, audit: AuditContext) async throws -> Booking {
        try await database.transaction { connection in
            // FOR SHARE: bookings do not block one another, but a status change waits until this one is decided.
            let rows = try await connection.query(
                """
                SELECT e.status, c.due_on::text, (now() AT TIME ZONE 'UTC')::date::text
                FROM equipment e LEFT JOIN LATERAL (
                    SELECT due_on FROM equipment_calibrations WHERE equipment_id = e.id ORDER BY calibrated_on DESC, recorded_at DESC LIMIT 1
                ) c ON true
                WHERE e.id = \(equipmentId)
                FOR SHARE OF e
                """,
                logger: logger
            )
            var found: (String, String?, String)?
            for try await row in rows.decode((String, String?, String).self) { found = row }
            guard let (status, dueOn, today) = found else { throw Problem.notFound("Equipment") }

            var validator = Validator()
            if status != EquipmentStatus.inService.rawValue {
                validator.add("equipment.status", "is \(status): only equipment in service can be booked")
            }
            if let dueOn, let dueDay = DateFormats.parseDay(dueOn) {
                if dueOn < today {
                    validator.add("equipment.calibration", "is overdue: it fell due on \(dueOn)")
                } else if end > dueDay.addingTimeInterval(86_400) {
                    validator.add("end", "is after the equipment's calibration falls due (\(dueOn))")
                }
            } else {
                validator.add("equipment.calibration", "is missing: the equipment has no calibration on record")
            }
            if let jobId {
                let job = try await connection.query("SELECT 1 FROM jobs WHERE id = \(jobId)", logger: logger)
                var exists = false
                for try await _ in job { exists = true }
                validator.check(exists, "jobId", "is not a job")
            }
            try validator.finish()

            let inserted = try await connection.query(
                """
                INSERT INTO equipment_bookings (equipment_id, during, job_id, booked_by)
                VALUES (\(equipmentId), tstzrange(\(start), \(end), '[)'), \(jobId), \(audit.actor.id))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            guard let booking = try await Self.decode(inserted).first else { throw Problem.notFound("Booking") }
            try await AuditLog.record(
                on: connection, audit, action: "booking.created", entity: "booking", entityId: booking.id.uuidString, after: booking,
                logger: logger
            )
            return booking
        }
    }

    /// The earliest live booking of the equipment overlapping `[start, end)`.
    func firstOverlap(equipmentId: UUID, start: Date, end: Date) async throws -> Booking? {
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.columns) FROM equipment_bookings
            WHERE equipment_id = \(equipmentId) AND cancelled_at IS NULL AND during && tstzrange(\(start), \(end), '[)')
            ORDER BY lower(during) LIMIT 1
            """,
            logger: logger
        )
        return try await Self.decode(rows).first
    }

    /// Cancels a booking, freeing its slot; 409 when it is already cancelled.
    /// Cancels a live booking. Only the staff member who made it, or an admin, may (403 for anyone else).
    public func cancel(id: UUID, by staff: StaffPrincipal, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM equipment_bookings WHERE id = \(id) FOR UPDATE", logger: logger
            )
            guard let before = try await Self.decode(rows).first else { throw Problem.notFound("Booking") }
            guard before.bookedBy == staff.id || staff.roles.contains(.admin) else {
                throw Problem.forbidden("A booking is cancelled only by the person who made it or an admin.")
            }
            if before.cancelledAt != nil { throw Problem.illegalTransition("booking", from: "cancelled", action: "cancel") }
            let updated = try await connection.query(
                """
                UPDATE equipment_bookings SET cancelled_at = now(), cancelled_by = \(audit.actor.id)
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            guard let after = try await Self.decode(updated).first else { throw Problem.notFound("Booking") }
            try await AuditLog.record(
                on: connection, audit, action: "booking.cancelled", entity: "booking", entityId: id.uuidString, before: before, after: after,
                logger: logger
            )
        }
    }

    /// The equipment's live bookings overlapping `[from, to)` (either end may be open), earliest first.
    /// Live bookings of one piece of equipment never share a start, so the start time is the keyset position.
    public func list(equipmentId: UUID, from: Date?, to: Date?, page: PageRequest) async throws -> Page<Booking> {
        let after = try page.cursorValue() ?? Int64.min
        return try await database.connection { connection in
            let exists = try await connection.query("SELECT 1 FROM equipment WHERE id = \(equipmentId)", logger: logger)
            var found = false
            for try await _ in exists { found = true }
            guard found else { throw Problem.notFound("Equipment") }
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.columns), (extract(epoch FROM lower(during)) * 1000000)::bigint AS position
                FROM equipment_bookings
                WHERE equipment_id = \(equipmentId) AND cancelled_at IS NULL AND during && tstzrange(\(from), \(to), '[)')
                  AND (extract(epoch FROM lower(during)) * 1000000)::bigint > \(after)
                ORDER BY lower(during)
                LIMIT \(page.limit + 1)
                """,
                logger: logger
            )
            var bookings: [(Booking, Int64)] = []
            for try await row in rows {
                bookings.append((try Self.booking(from: row), try row.makeRandomAccess()["position"].decode(Int64.self)))
            }
            return Page(fetched: bookings, limit: page.limit) { $0.1 }.map { $0.0 }
        }
    }

    // MARK: - Rows

    static let columns = "id, equipment_id, lower(during), upper(during), job_id, booked_by, created_at, cancelled_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Booking] {
        var bookings: [Booking] = []
        for try await row in rows { bookings.append(try booking(from: row)) }
        return bookings
    }

    static func booking(from row: PostgresRow) throws -> Booking {
        let (id, equipment, start, end, job, by, created, cancelled) = try row.decode((UUID, UUID, Date, Date, UUID?, UUID?, Date, Date?).self)
        return Booking(id: id, equipmentId: equipment, start: start, end: end, jobId: job, bookedBy: by, createdAt: created, cancelledAt: cancelled)
    }

    /// RFC 3339 in UTC, with fractional seconds only when the instant has them.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = date.timeIntervalSince1970.rounded() == date.timeIntervalSince1970
            ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
