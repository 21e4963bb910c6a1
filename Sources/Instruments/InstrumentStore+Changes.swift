import Foundation
import LIMSCore
import PostgresNIO

/// A certificate as the register records it: what certification reports when it signs, amends (or withdraws) one, and
/// what an import of earlier records gives.
public struct CertificateRecord: Sendable, Equatable {
    /// `nil` for a certificate issued before Calibra kept the register (an imported record).
    public var certificateId: UUID?
    public var number: String
    public var revision: Int
    /// The certificate an amendment replaces.
    public var supersedes: UUID?
    public var serviceCode: String
    /// `calibration-certificate`, `verification-certificate` or `verification-result-notice`.
    public var documentKind: String
    /// The date of the work, `YYYY-MM-DD`.
    public var serviceOn: String
    public var issuedOn: String
    /// A verification certificate's valid-until date.
    public var validUntil: String?
    public var category: String?
    public var mandatoryVerificationCategory: MandatoryVerificationCategory?

    public init(
        certificateId: UUID?, number: String, revision: Int = 0, supersedes: UUID? = nil, serviceCode: String, documentKind: String,
        serviceOn: String, issuedOn: String, validUntil: String?, category: String? = nil,
        mandatoryVerificationCategory: MandatoryVerificationCategory? = nil
    ) {
        self.certificateId = certificateId
        self.number = number
        self.revision = revision
        self.supersedes = supersedes
        self.serviceCode = serviceCode
        self.documentKind = documentKind
        self.serviceOn = serviceOn
        self.issuedOn = issuedOn
        self.validUntil = validUntil
        self.category = category
        self.mandatoryVerificationCategory = mandatoryVerificationCategory
    }
}

extension InstrumentStore {
    /// What the audit log keeps of an instrument's service facts.
    struct ServiceFacts: Encodable, Sendable {
        var certificateNumber: String?
        var lastResult: String?
        var nextDueOn: String?
    }

    /// Records a certificate in its instrument's history, on the caller's connection (the signing or amending transaction),
    /// and recalculates the instrument's last service and next due date: an amendment supersedes the revision it replaces.
    /// Recording the same certificate twice changes nothing.
    public func recordCertificate(_ record: CertificateRecord, instrumentId: UUID, on connection: PostgresConnection, audit: AuditContext) async throws {
        guard let result = ServiceResult(documentKind: record.documentKind) else {
            throw Problem.invalid("documentKind", "is not a kind of certificate the register knows: \(record.documentKind)")
        }
        var validator = Validator()
        validator.check(DateFormats.parseDay(record.serviceOn) != nil, "serviceOn", "must be a date (YYYY-MM-DD)")
        validator.check(DateFormats.parseDay(record.issuedOn) != nil, "issuedOn", "must be a date (YYYY-MM-DD)")
        if result == .pass {
            validator.check(record.validUntil.flatMap(DateFormats.parseDay) != nil, "validUntil", "is required for a passed verification")
        }
        try validator.finish()
        let before = try await find(id: instrumentId, on: connection)
        guard let before else { throw Problem.notFound("Instrument") }
        if let supersedes = record.supersedes {
            try await connection.query(
                "UPDATE instrument_certificates SET status = 'superseded' WHERE certificate_id = \(supersedes) AND status = 'issued'",
                logger: database.logger
            )
        }
        try await connection.query(
            """
            INSERT INTO instrument_certificates (certificate_id, instrument_id, number, revision, supersedes, service_code, kind, result, category,
                                                 mandatory_verification_category, service_on, issued_on, valid_until, imported)
            VALUES (\(record.certificateId), \(instrumentId), \(record.number), \(record.revision), \(record.supersedes), \(record.serviceCode),
                    \(record.documentKind), \(result.rawValue), \(record.category), \(record.mandatoryVerificationCategory?.rawValue),
                    \(record.serviceOn)::date, \(record.issuedOn)::date, \(result == .pass ? record.validUntil : nil)::date, \(record.certificateId == nil))
            ON CONFLICT (certificate_id) DO NOTHING
            """,
            logger: database.logger
        )
        try await refresh(instrumentId, on: connection)
        let after = try await find(id: instrumentId, on: connection)
        try await AuditLog.record(
            on: connection, audit, action: record.certificateId == nil ? "instrument.history_imported" : "instrument.serviced", entity: "instrument",
            entityId: instrumentId.uuidString, before: Self.serviceFacts(before), after: after.map(Self.serviceFacts), logger: database.logger
        )
    }

    /// A certificate was withdrawn (nonconforming work): it stays in the history as `withdrawn`, and the instrument's last
    /// service and due date fall back to its newest certificate still in force. A certificate the register does not know
    /// changes nothing.
    public func certificateWithdrawn(certificateId: UUID, on connection: PostgresConnection, audit: AuditContext) async throws {
        let rows = try await connection.query(
            "UPDATE instrument_certificates SET status = 'withdrawn' WHERE certificate_id = \(certificateId) RETURNING instrument_id",
            logger: database.logger
        )
        var instrumentId: UUID?
        for try await id in rows.decode(UUID.self) { instrumentId = id }
        guard let instrumentId else { return }
        let before = try await find(id: instrumentId, on: connection)
        try await refresh(instrumentId, on: connection)
        let after = try await find(id: instrumentId, on: connection)
        try await AuditLog.record(
            on: connection, audit, action: "instrument.certificate_withdrawn", entity: "instrument", entityId: instrumentId.uuidString,
            before: before.map(Self.serviceFacts), after: after.map(Self.serviceFacts), logger: database.logger
        )
    }

    /// Changes an instrument's asset tag, location or agreed calibration interval (its owner, or staff); the due date
    /// follows a new interval at once.
    public func update(id: UUID, scope: UUID?, _ change: InstrumentChange, audit: AuditContext) async throws -> RegisteredInstrument {
        var validator = Validator()
        if let tag = change.assetTag.value {
            validator.check(tag.count <= 100, "assetTag", "must be at most 100 characters")
        }
        if let location = change.location.value {
            validator.check(location.count <= 200, "location", "must be at most 200 characters")
        }
        if let months = change.calibrationIntervalMonths.value {
            validator.check((1...120).contains(months), "calibrationIntervalMonths", "must be from 1 to 120 months")
        }
        try validator.finish()
        return try await database.transaction { connection in
            let locked = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM instruments i WHERE i.id = \(id) FOR UPDATE", logger: database.logger
            )
            guard let before = try await Self.decode(locked).first, scope == nil || before.customerId == scope else {
                throw Problem.notFound("Instrument")
            }
            try await connection.query(
                """
                UPDATE instruments SET
                    asset_tag = CASE WHEN \(change.assetTag.changes) THEN \(change.assetTag.value) ELSE asset_tag END,
                    location = CASE WHEN \(change.location.changes) THEN \(change.location.value) ELSE location END,
                    calibration_interval_months = CASE WHEN \(change.calibrationIntervalMonths.changes) THEN \(change.calibrationIntervalMonths.value)
                                                       ELSE calibration_interval_months END,
                    updated_at = now()
                WHERE id = \(id)
                """,
                logger: database.logger
            )
            if change.calibrationIntervalMonths.changes { try await refresh(id, on: connection) }
            guard var after = try await find(id: id, on: connection) else { throw Problem.notFound("Instrument") }
            try await AuditLog.record(
                on: connection, audit, action: "instrument.updated", entity: "instrument", entityId: id.uuidString,
                before: Self.editable(before), after: Self.editable(after), logger: database.logger
            )
            after.history = try await history(instrumentId: id, on: connection)
            return after
        }
    }

    /// Recalculates an instrument's last service and next due date from its history (`instrument_refresh`, migration 0018:
    /// the same rules the backfill applied).
    func refresh(_ instrumentId: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT instrument_refresh(\(instrumentId))", logger: database.logger)
    }

    static func serviceFacts(_ instrument: RegisteredInstrument) -> ServiceFacts {
        ServiceFacts(certificateNumber: instrument.lastCertificateNumber, lastResult: instrument.lastResult?.rawValue, nextDueOn: instrument.nextDueOn)
    }

    struct Editable: Encodable, Sendable {
        var assetTag: String?
        var location: String?
        var calibrationIntervalMonths: Int?
        var nextDueOn: String?
    }

    static func editable(_ instrument: RegisteredInstrument) -> Editable {
        Editable(
            assetTag: instrument.assetTag, location: instrument.location, calibrationIntervalMonths: instrument.calibrationIntervalMonths,
            nextDueOn: instrument.nextDueOn
        )
    }
}
