import Certification
import Foundation
import LIMSCore
import Logging
import PostgresNIO
import Scheduling

/// Nonconformities and their dispositions. Owns `nonconformities` and `nonconformity_certificates`; takes equipment
/// out of service, reads the impact and withdraws certificates through the Scheduling and Certification APIs, in the
/// same transaction.
public struct NonconformityStore: Sendable {
    let database: Database
    let equipment: EquipmentStore
    let certificates: CertificateStore

    public init(database: Database, equipment: EquipmentStore, certificates: CertificateStore) {
        self.database = database
        self.equipment = equipment
        self.certificates = certificates
    }

    var logger: Logger { database.logger }

    public struct NewNonconformity: Decodable, Sendable {
        public var equipmentId: String?
        public var description: String?
        public var since: String?

        public init(equipmentId: String?, description: String?, since: String?) {
            self.equipmentId = equipmentId
            self.description = description
            self.since = since
        }
    }

    /// The certificates in doubt when `equipmentId` is suspect: since `since`, or since it was last known good.
    public func impact(equipmentId: UUID, since: String?) async throws -> (since: String?, certificates: [ImpactedCertificate]) {
        try await database.connection { connection in
            var from = since
            if from == nil { from = try await equipment.lastKnownGood(equipmentId: equipmentId, on: connection) }
            return (from, try await certificates.impact(equipmentId: equipmentId, since: from, on: connection))
        }
    }

    /// Opens a nonconformity in one transaction: the equipment (if any) goes out of service, every certificate in doubt
    /// that is still in force is attached, and each one's customer gets `certificate.under_review`. With nothing
    /// affected it closes at once. The equipment's row lock makes two openings for one standard follow each other.
    public func open(_ input: NewNonconformity, audit: AuditContext) async throws -> Nonconformity {
        var validator = Validator()
        let description = validator.requireText(input.description, "description", maxLength: 4000)
        var equipmentId: UUID?
        if let raw = input.equipmentId {
            equipmentId = UUID(uuidString: raw)
            validator.check(equipmentId != nil, "equipmentId", "must be a UUID")
        }
        if let since = input.since {
            validator.check(DateFormats.parseDay(since) != nil, "since", "must be a date YYYY-MM-DD")
            validator.check(equipmentId != nil || input.equipmentId != nil, "since", "applies only with equipmentId")
        }
        try validator.finish()

        return try await database.transaction { connection in
            var since = input.since
            var affected: [ImpactedCertificate] = []
            if let equipmentId {
                try await equipment.suspend(equipmentId: equipmentId, reason: "Nonconformity: \(description)", on: connection, audit: audit)
                if since == nil { since = try await equipment.lastKnownGood(equipmentId: equipmentId, on: connection) }
                affected = try await certificates.impact(equipmentId: equipmentId, since: since, on: connection).filter { $0.status == "issued" }
            }
            let number = try await Numbering.sequential("NC", on: connection, logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO nonconformities (number, description, equipment_id, since, opened_by, status, closed_at)
                VALUES (\(number), \(description), \(equipmentId), \(since)::date, \(audit.actor.id),
                        \(affected.isEmpty ? "closed" : "open"), \(affected.isEmpty ? Date() : nil))
                RETURNING id
                """,
                logger: logger
            )
            var id: UUID?
            for try await value in rows.decode(UUID.self) { id = value }
            guard let id else { throw Problem.notFound("Nonconformity") }
            for (position, certificate) in affected.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO nonconformity_certificates (nonconformity_id, position, certificate_id, number, customer_id)
                    VALUES (\(id), \(position), \(certificate.id), \(certificate.number), \(certificate.customerId))
                    """,
                    logger: logger
                )
            }
            try await certificates.announceReview(affected, nonconformity: number, on: connection, audit: audit)
            guard let opened = try await find(id: id, on: connection) else { throw Problem.notFound("Nonconformity") }
            try await AuditLog.record(
                on: connection, audit, action: "nonconformity.opened", entity: "nonconformity", entityId: id.uuidString, after: opened,
                logger: logger
            )
            return opened
        }
    }

    public struct DispositionInput: Decodable, Sendable {
        public var disposition: String?
        public var justification: String?

        public init(disposition: String?, justification: String?) {
            self.disposition = disposition
            self.justification = justification
        }
    }

    /// Records the final disposition of one certificate (409 on a second); `withdraw` withdraws it. The nonconformity
    /// closes when the last certificate gets its disposition. 404 for an unknown nonconformity or a certificate not in it.
    public func dispose(nonconformityId: UUID, certificateId: UUID, _ input: DispositionInput, audit: AuditContext) async throws -> Nonconformity {
        var validator = Validator()
        let disposition = validator.requireEnum(input.disposition, "disposition", as: Disposition.self)
        let justification = validator.requireText(input.justification, "justification", maxLength: 4000)
        try validator.finish()
        guard let disposition else { throw Problem.validation(validator.issues) }

        return try await database.transaction { connection in
            let locked = try await connection.query(
                "SELECT number FROM nonconformities WHERE id = \(nonconformityId) FOR UPDATE", logger: logger
            )
            var number: String?
            for try await value in locked.decode(String.self) { number = value }
            guard let number else { throw Problem.notFound("Nonconformity") }
            let current = try await connection.query(
                """
                SELECT disposition FROM nonconformity_certificates WHERE nonconformity_id = \(nonconformityId) AND certificate_id = \(certificateId)
                """,
                logger: logger
            )
            var found = false
            var given: String?
            for try await value in current.decode(String?.self) {
                found = true
                given = value
            }
            guard found else { throw Problem.notFound("Certificate") }
            if let given { throw Problem.conflict("The certificate's disposition was already given (\(given)); it is final.") }
            if disposition == .withdraw, try await certificates.withdrawn([certificateId], on: connection).isEmpty {
                try await certificates.withdraw(certificateId: certificateId, reason: "\(number): \(justification)", on: connection, audit: audit)
            }
            try await connection.query(
                """
                UPDATE nonconformity_certificates
                SET disposition = \(disposition.rawValue), justification = \(justification), decided_at = now(), decided_by = \(audit.actor.id)
                WHERE nonconformity_id = \(nonconformityId) AND certificate_id = \(certificateId)
                """,
                logger: logger
            )
            try await AuditLog.record(
                on: connection, audit, action: "nonconformity.disposition_given", entity: "nonconformity", entityId: nonconformityId.uuidString,
                after: ["certificateId": JSONValue.string(certificateId.uuidString), "disposition": .string(disposition.rawValue),
                        "justification": .string(justification)],
                logger: logger
            )
            let closed = try await connection.query(
                """
                UPDATE nonconformities SET status = 'closed', closed_at = now()
                WHERE id = \(nonconformityId) AND status = 'open'
                  AND NOT EXISTS (SELECT 1 FROM nonconformity_certificates WHERE nonconformity_id = \(nonconformityId) AND disposition IS NULL)
                RETURNING 1
                """,
                logger: logger
            )
            for try await _ in closed {
                try await AuditLog.record(
                    on: connection, audit, action: "nonconformity.closed", entity: "nonconformity", entityId: nonconformityId.uuidString,
                    before: ["status": JSONValue.string("open")], after: ["status": JSONValue.string("closed")], logger: logger
                )
            }
            guard let result = try await find(id: nonconformityId, on: connection) else { throw Problem.notFound("Nonconformity") }
            return result
        }
    }

    public func find(id: UUID) async throws -> Nonconformity? {
        try await database.connection { try await find(id: id, on: $0) }
    }

    func find(id: UUID, on connection: PostgresConnection) async throws -> Nonconformity? {
        try await select(ids: [id], on: connection).first
    }

    /// Newest first.
    public func list(status: NonconformityStatus?, page: PageRequest) async throws -> Page<Nonconformity> {
        let before = try page.cursorValue() ?? Int64.max
        return try await database.connection { connection in
            let rows = try await connection.query(
                """
                SELECT id, seq FROM nonconformities WHERE seq < \(before) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                ORDER BY seq DESC LIMIT \(page.limit + 1)
                """,
                logger: logger
            )
            var found: [(UUID, Int64)] = []
            for try await row in rows.decode((UUID, Int64).self) { found.append(row) }
            let loaded = Dictionary(uniqueKeysWithValues: try await select(ids: found.map(\.0), on: connection).map { ($0.id, $0) })
            return Page(fetched: found.compactMap { row in loaded[row.0].map { ($0, row.1) } }, limit: page.limit) { $0.1 }.map { $0.0 }
        }
    }

    /// The open nonconformities that put `certificateId` in doubt (what a certificate's page warns about).
    public func openFor(certificateId: UUID) async throws -> [String] {
        let rows = try await database.client.query(
            """
            SELECT n.number FROM nonconformity_certificates c JOIN nonconformities n ON n.id = c.nonconformity_id
            WHERE c.certificate_id = \(certificateId) AND c.disposition IS NULL ORDER BY n.seq
            """,
            logger: logger
        )
        var numbers: [String] = []
        for try await number in rows.decode(String.self) { numbers.append(number) }
        return numbers
    }

    func select(ids: [UUID], on connection: PostgresConnection) async throws -> [Nonconformity] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT id, number, status, description, equipment_id, since::text, opened_at, closed_at FROM nonconformities WHERE id = ANY(\(ids))
            """,
            logger: logger
        )
        var found: [UUID: Nonconformity] = [:]
        for try await row in rows.decode((UUID, String, String, String, UUID?, String?, Date, Date?).self) {
            found[row.0] = Nonconformity(
                id: row.0, number: row.1, status: try StoredValue.decode(NonconformityStatus.self, row.2, table: "nonconformities", column: "status"),
                description: row.3, equipmentId: row.4, since: row.5, openedAt: row.6, closedAt: row.7, certificates: []
            )
        }
        let certificateRows = try await connection.query(
            """
            SELECT nonconformity_id, certificate_id, number, customer_id, disposition, justification, decided_at
            FROM nonconformity_certificates WHERE nonconformity_id = ANY(\(ids)) ORDER BY nonconformity_id, position
            """,
            logger: logger
        )
        for try await row in certificateRows.decode((UUID, UUID, String, UUID, String?, String?, Date?).self) {
            let disposition = try row.4.map { try StoredValue.decode(Disposition.self, $0, table: "nonconformity_certificates", column: "disposition") }
            found[row.0]?.certificates.append(
                .init(certificateId: row.1, number: row.2, customerId: row.3, disposition: disposition, justification: row.5, decidedAt: row.6)
            )
        }
        return ids.compactMap { found[$0] }
    }
}
