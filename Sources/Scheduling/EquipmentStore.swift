import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// The registry of reference equipment and its calibration history. Owns `equipment` and `equipment_calibrations`.
///
/// Whether equipment is usable is decided in SQL against the database clock (today in UTC), the same clock
/// that decides whether a staff authorisation has expired.
public struct EquipmentStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    var logger: Logger { database.logger }

    public struct NewEquipment: Decodable, Sendable {
        public var assetTag: String?
        public var name: String?
        public var manufacturer: String?
        public var model: String?
        public var serialNumber: String?
        public var quantity: String?
        public var range: String?
        public var serviceCodes: [String]?
    }

    public struct NewCalibration: Decodable, Sendable {
        public var certificateNumber: String?
        public var calibratedBy: String?
        public var calibratedOn: String?
        public var dueOn: String?
        public var traceability: String?
        /// What the provider found before adjustment: `in_tolerance`, `out_of_tolerance` or `not_stated` (the default).
        public var asFound: String?
        public var asFoundNotes: String?

        public init(
            certificateNumber: String?, calibratedBy: String?, calibratedOn: String?, dueOn: String?, traceability: String?, asFound: String? = nil,
            asFoundNotes: String? = nil
        ) {
            self.certificateNumber = certificateNumber
            self.calibratedBy = calibratedBy
            self.calibratedOn = calibratedOn
            self.dueOn = dueOn
            self.traceability = traceability
            self.asFound = asFound
            self.asFoundNotes = asFoundNotes
        }
    }

    /// Registers equipment (in service, not yet calibrated, so not yet usable). 409 for an asset tag in use.
    public func create(
        _ input: NewEquipment, serviceExists: @Sendable (String) async throws -> Bool, audit: AuditContext
    ) async throws -> Equipment {
        var validator = Validator()
        let assetTag = validator.requireText(input.assetTag, "assetTag", maxLength: 64)
        let name = validator.requireText(input.name, "name", maxLength: 200)
        let manufacturer = validator.requireText(input.manufacturer, "manufacturer", maxLength: 200)
        let model = validator.requireText(input.model, "model", maxLength: 200)
        let serialNumber = validator.requireText(input.serialNumber, "serialNumber", maxLength: 200)
        let quantity = validator.requireText(input.quantity, "quantity", maxLength: 100)
        let range = validator.requireText(input.range, "range", maxLength: 200)
        var codes: [String] = []
        for (index, raw) in (input.serviceCodes ?? []).enumerated() {
            let code = validator.requireText(raw, "serviceCodes[\(index)]", maxLength: 64)
            guard !code.isEmpty, !codes.contains(code) else { continue }
            if try await serviceExists(code) {
                codes.append(code)
            } else {
                validator.add("serviceCodes[\(index)]", "is not a service in the catalogue")
            }
        }
        try validator.finish()

        do {
            return try await database.transaction { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO equipment (asset_tag, name, manufacturer, model, serial_number, quantity, range, service_codes)
                    VALUES (\(assetTag), \(name), \(manufacturer), \(model), \(serialNumber), \(quantity), \(range), \(codes))
                    RETURNING id
                    """,
                    logger: logger
                )
                guard let id = try await rows.decode(UUID.self).first(where: { _ in true }),
                    let equipment = try await find(id: id, on: connection)
                else { throw Problem.notFound("Equipment") }
                try await AuditLog.record(
                    on: connection, audit, action: "equipment.created", entity: "equipment", entityId: id.uuidString, after: equipment,
                    logger: logger
                )
                return equipment
            }
        } catch let error as PSQLError where error.isUniqueViolation("equipment_asset_tag_key") {
            throw Problem.conflict("Equipment with the asset tag \(assetTag) is already registered.")
        }
    }

    /// Records a calibration certificate of the equipment. `dueOn` must come after `calibratedOn`; retired equipment is 409.
    public func recordCalibration(
        equipmentId: UUID, _ input: NewCalibration, dcc: String? = nil, audit: AuditContext
    ) async throws -> EquipmentCalibration {
        var validator = Validator()
        let certificate = validator.requireText(input.certificateNumber, "certificateNumber", maxLength: 100)
        let calibratedBy = validator.requireText(input.calibratedBy, "calibratedBy", maxLength: 200)
        let traceability = validator.requireText(input.traceability, "traceability", maxLength: 1000)
        let calibratedOn = validator.requireText(input.calibratedOn, "calibratedOn", maxLength: 10)
        let dueOn = validator.requireText(input.dueOn, "dueOn", maxLength: 10)
        let calibratedDay = calibratedOn.isEmpty ? nil : DateFormats.parseDay(calibratedOn)
        let dueDay = dueOn.isEmpty ? nil : DateFormats.parseDay(dueOn)
        if !calibratedOn.isEmpty, calibratedDay == nil { validator.add("calibratedOn", "must be a date YYYY-MM-DD") }
        if let calibratedDay, calibratedDay > Date() { validator.add("calibratedOn", "must not be in the future") }
        if !dueOn.isEmpty, dueDay == nil { validator.add("dueOn", "must be a date YYYY-MM-DD") }
        if let calibratedDay, let dueDay, dueDay <= calibratedDay { validator.add("dueOn", "must be after calibratedOn") }
        let asFound = input.asFound ?? "not_stated"
        if !Self.asFoundValues.contains(asFound) { validator.add("asFound", "must be one of \(Self.asFoundValues.joined(separator: ", "))") }
        if let notes = input.asFoundNotes, notes.count > 2000 { validator.add("asFoundNotes", "must be at most 2000 characters") }
        try validator.finish()

        return try await database.transaction { connection in
            let status = try await lockStatus(equipmentId, on: connection)
            if status == .retired { throw Problem.illegalTransition("equipment", from: status.rawValue, action: "record a calibration of") }
            let rows = try await connection.query(
                """
                INSERT INTO equipment_calibrations (equipment_id, certificate_number, calibrated_by, calibrated_on, due_on, traceability, recorded_by,
                                                    dcc, dcc_sha256, as_found, as_found_notes)
                VALUES (\(equipmentId), \(certificate), \(calibratedBy), \(calibratedOn)::date, \(dueOn)::date, \(traceability), \(audit.actor.id),
                        \(dcc), encode(sha256(convert_to(\(dcc)::text, 'UTF8')), 'hex'), \(asFound), \(input.asFoundNotes))
                RETURNING \(unescaped: Self.calibrationColumns)
                """,
                logger: logger
            )
            guard let calibration = try await Self.decodeCalibrations(rows).first else { throw Problem.notFound("Equipment") }
            try await AuditLog.record(
                on: connection, audit, action: "equipment.calibration_recorded", entity: "equipment", entityId: equipmentId.uuidString,
                after: calibration, logger: logger
            )
            return calibration
        }
    }

    /// Puts equipment in or out of service, or retires it. A reason is always recorded; retired is final (409).
    public func changeStatus(equipmentId: UUID, status: EquipmentStatus, reason: String, audit: AuditContext) async throws -> Equipment {
        try await database.transaction { connection in
            let current = try await lockStatus(equipmentId, on: connection)
            if current == .retired { throw Problem.illegalTransition("equipment", from: current.rawValue, action: "change the status of") }
            try await connection.query(
                """
                UPDATE equipment SET status = \(status.rawValue), status_reason = \(reason), status_changed_at = now()
                WHERE id = \(equipmentId)
                """,
                logger: logger
            )
            guard let equipment = try await find(id: equipmentId, on: connection) else { throw Problem.notFound("Equipment") }
            try await AuditLog.record(
                on: connection, audit, action: "equipment.status_changed", entity: "equipment", entityId: equipmentId.uuidString,
                before: JSONValue.object(["status": .string(current.rawValue)]),
                after: JSONValue.object(["status": .string(status.rawValue), "reason": .string(reason)]), logger: logger
            )
            return equipment
        }
    }

    /// Equipment with its latest calibration and usability; with `history`, every calibration, newest first.
    public func find(id: UUID, history: Bool = false, on connection: PostgresConnection) async throws -> Equipment? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns), e.seq FROM \(unescaped: Self.withLatestCalibration) WHERE e.id = \(id)", logger: logger
        )
        guard var equipment = try await Self.decode(rows).first?.0 else { return nil }
        if history {
            let calibrations = try await connection.query(
                """
                SELECT \(unescaped: Self.calibrationColumns) FROM equipment_calibrations WHERE equipment_id = \(id)
                ORDER BY calibrated_on DESC, recorded_at DESC
                """,
                logger: logger
            )
            equipment.calibrations = try await Self.decodeCalibrations(calibrations)
        }
        return equipment
    }

    public func find(id: UUID, history: Bool = false) async throws -> Equipment? {
        try await database.connection { try await find(id: id, history: history, on: $0) }
    }

    /// Equipment in registration order; with `dueWithinDays`, only equipment in service whose calibration falls due
    /// within that many days (or is overdue or missing), soonest first.
    public func list(status: EquipmentStatus?, dueWithinDays: Int?, page: PageRequest) async throws -> Page<Equipment> {
        let after = try page.cursorValue() ?? Int64.min
        // Keyset position: the registration sequence, or (due day, sequence) packed into one bigint, missing dates first.
        let rows = try await database.client.query(
            """
            SELECT * FROM (
                SELECT \(unescaped: Self.columns),
                       CASE WHEN \(dueWithinDays)::int IS NULL THEN e.seq
                            ELSE (COALESCE(c.due_on - DATE '2000-01-01', -1000000) + 2000000)::bigint * 4294967296 + e.seq
                       END AS position
                FROM \(unescaped: Self.withLatestCalibration)
                WHERE (\(status?.rawValue)::text IS NULL OR e.status = \(status?.rawValue))
                  AND (\(dueWithinDays)::int IS NULL
                       OR (e.status = 'in_service'
                           AND (c.due_on IS NULL OR c.due_on <= (now() AT TIME ZONE 'UTC')::date + \(dueWithinDays)::int)))
            ) listed
            WHERE position > \(after)
            ORDER BY position
            LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        return Page(fetched: try await Self.decode(rows), limit: page.limit) { $0.1 }.map { $0.0 }
    }

    /// Field issues for equipment that may not be used for `serviceCode` on `day` (`YYYY-MM-DD`): unknown, not in
    /// service, not calibrated on that day, or not registered for the service. Named `field[i]`.
    public func issues(
        equipmentIds: [UUID], serviceCode: String, day: String, field: String = "equipmentIds", on connection: PostgresConnection
    ) async throws -> [FieldIssue] {
        var issues: [FieldIssue] = []
        for (index, id) in equipmentIds.enumerated() {
            let name = "\(field)[\(index)]"
            guard let equipment = try await find(id: id, on: connection) else {
                issues.append(FieldIssue(field: name, message: "is not registered equipment"))
                continue
            }
            if equipment.status != .inService {
                issues.append(FieldIssue(field: name, message: "is \(equipment.status.rawValue)"))
            }
            if let calibration = equipment.latestCalibration {
                if calibration.calibratedOn > day || calibration.dueOn < day {
                    issues.append(FieldIssue(field: name, message: "is not calibrated on \(day) (calibration due \(calibration.dueOn))"))
                }
            } else {
                issues.append(FieldIssue(field: name, message: "has no calibration on record"))
            }
            if !equipment.serviceCodes.contains(serviceCode) {
                issues.append(FieldIssue(field: name, message: "is not registered for the service \(serviceCode)"))
            }
        }
        return issues
    }

    /// Locks the equipment row against status changes for the rest of the transaction; 404 when unknown.
    func lockStatus(_ id: UUID, on connection: PostgresConnection) async throws -> EquipmentStatus {
        let rows = try await connection.query("SELECT status FROM equipment WHERE id = \(id) FOR UPDATE", logger: logger)
        for try await status in rows.decode(String.self) {
            return try StoredValue.decode(EquipmentStatus.self, status, table: "equipment", column: "status")
        }
        throw Problem.notFound("Equipment")
    }

    // MARK: - Rows

    /// `equipment e` joined to its latest calibration `c` (none: all NULL).
    static let withLatestCalibration = """
        equipment e LEFT JOIN LATERAL (
            SELECT * FROM equipment_calibrations WHERE equipment_id = e.id ORDER BY calibrated_on DESC, recorded_at DESC LIMIT 1
        ) c ON true
        """

    static let columns = """
        e.id, e.asset_tag, e.name, e.manufacturer, e.model, e.serial_number, e.quantity, e.range, e.service_codes, e.status,
        e.status_reason, e.created_at,
        c.id AS calibration_id, c.certificate_number, c.calibrated_by, c.calibrated_on::text, c.due_on::text, c.traceability, c.recorded_at,
        (e.status = 'in_service' AND c.due_on >= (now() AT TIME ZONE 'UTC')::date) IS TRUE AS usable
        """

    static let calibrationColumns =
        "id, equipment_id, certificate_number, calibrated_by, calibrated_on::text, due_on::text, traceability, recorded_at, dcc_sha256, as_found, as_found_notes"

    /// Equipment rows of `columns` followed by one bigint position.
    static func decode(_ rows: PostgresRowSequence) async throws -> [(Equipment, Int64)] {
        var found: [(Equipment, Int64)] = []
        for try await row in rows.decode(
            (
                UUID, String, String, String, String, String, String, String, [String], String, String?, Date,
                UUID?, String?, String?, String?, String?, String?, Date?, Bool, Int64
            ).self
        ) {
            var latest: EquipmentCalibration?
            if let calibrationId = row.12, let certificate = row.13, let by = row.14, let on = row.15, let due = row.16,
                let traceability = row.17, let recordedAt = row.18
            {
                latest = EquipmentCalibration(
                    id: calibrationId, equipmentId: row.0, certificateNumber: certificate, calibratedBy: by, calibratedOn: on, dueOn: due,
                    traceability: traceability, recordedAt: recordedAt, dccSha256: nil, asFound: nil, asFoundNotes: nil
                )
            }
            let equipment = Equipment(
                id: row.0, assetTag: row.1, name: row.2, manufacturer: row.3, model: row.4, serialNumber: row.5, quantity: row.6,
                range: row.7, serviceCodes: row.8,
                status: try StoredValue.decode(EquipmentStatus.self, row.9, table: "equipment", column: "status"), statusReason: row.10,
                createdAt: row.11, latestCalibration: latest, usable: row.19, calibrations: nil
            )
            found.append((equipment, row.20))
        }
        return found
    }

    static func decodeCalibrations(_ rows: PostgresRowSequence) async throws -> [EquipmentCalibration] {
        var found: [EquipmentCalibration] = []
        for try await row in rows.decode((UUID, UUID, String, String, String, String, String, Date, String?, String, String?).self) {
            found.append(
                EquipmentCalibration(
                    id: row.0, equipmentId: row.1, certificateNumber: row.2, calibratedBy: row.3, calibratedOn: row.4, dueOn: row.5,
                    traceability: row.6, recordedAt: row.7, dccSha256: row.8, asFound: row.9, asFoundNotes: row.10
                )
            )
        }
        return found
    }
}
