import Foundation
import LIMSCore
import PostgresNIO

/// A certificate whose measurements cited a piece of reference equipment: what reverse traceability lists.
public struct ImpactedCertificate: Codable, Sendable, Equatable {
    public var id: UUID
    public var number: String
    public var customerId: UUID
    public var issuedAt: Date
    /// `issued` or `withdrawn`.
    public var status: String
    /// The date of the measurements (`YYYY-MM-DD`).
    public var measuredOn: String
}

/// Reverse traceability (ISO/IEC 17025 §6.4.13, §7.10): from a reference standard to every certificate it touched, and
/// the withdrawal of a certificate found affected.
extension CertificateStore {
    /// The current revision of every certificate whose measurements cited `equipmentId` on or after `since`
    /// (`YYYY-MM-DD`; every one when nil), oldest measurement first. An amended certificate counts once, at its
    /// current revision. Measurements by the equipment they cite use a GIN index; certificates by job a b-tree.
    public func impact(equipmentId: UUID, since: String?, on connection: PostgresConnection) async throws -> [ImpactedCertificate] {
        let rows = try await connection.query(
            """
            SELECT c.id, c.number, c.customer_id, c.issued_at, w.certificate_id IS NOT NULL, m.measured_on::text
            FROM measurements m
            JOIN certificates c ON c.job_id = m.job_id
            LEFT JOIN certificate_withdrawals w ON w.certificate_id = c.id
            WHERE m.equipment_ids @> ARRAY[\(equipmentId)]::uuid[]
              AND (\(since)::date IS NULL OR m.measured_on >= \(since)::date)
              AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.supersedes = c.id)
            ORDER BY m.measured_on, c.seq
            """,
            logger: database.logger
        )
        var found: [ImpactedCertificate] = []
        for try await (id, number, customer, issuedAt, withdrawn, measuredOn) in rows.decode((UUID, String, UUID, Date, Bool, String).self) {
            found.append(
                ImpactedCertificate(
                    id: id, number: number, customerId: customer, issuedAt: issuedAt, status: withdrawn ? "withdrawn" : "issued", measuredOn: measuredOn
                )
            )
        }
        return found
    }

    public func impact(equipmentId: UUID, since: String?) async throws -> [ImpactedCertificate] {
        try await database.connection { try await impact(equipmentId: equipmentId, since: since, on: $0) }
    }

    /// Tells each certificate's customer, in the caller's transaction, that the certificate is under review because
    /// of nonconforming work (one `certificate.under_review` event per certificate).
    public func announceReview(
        _ certificates: [ImpactedCertificate], nonconformity: String, on connection: PostgresConnection, audit: AuditContext
    ) async throws {
        for certificate in certificates {
            try await CustomerEventLog.append(
                on: connection, customerId: certificate.customerId, type: "certificate.under_review", subjectId: certificate.id,
                data: ["number": certificate.number, "nonconformity": nonconformity], logger: database.logger
            )
        }
    }

    /// Withdraws the current revision `certificateId` in the caller's transaction: it stays on record unchanged and from
    /// now verifies as `withdrawn`; its customer gets `certificate.withdrawn` and the instrument register forgets it.
    /// 404 for an unknown certificate; 409 when it was superseded (withdraw the current revision) or already withdrawn.
    public func withdraw(certificateId: UUID, reason: String, on connection: PostgresConnection, audit: AuditContext) async throws {
        let rows = try await connection.query(
            """
            SELECT c.number, c.customer_id, n.number, w.certificate_id IS NOT NULL
            FROM certificates c LEFT JOIN certificates n ON n.supersedes = c.id LEFT JOIN certificate_withdrawals w ON w.certificate_id = c.id
            WHERE c.id = \(certificateId) FOR UPDATE OF c
            """,
            logger: database.logger
        )
        var found: (number: String, customerId: UUID, newer: String?, withdrawn: Bool)?
        for try await row in rows.decode((String, UUID, String?, Bool).self) { found = row }
        guard let found else { throw Problem.notFound("Certificate") }
        if let newer = found.newer { throw Problem.conflict("Certificate \(found.number) was superseded by \(newer): withdraw the current revision.") }
        if found.withdrawn { throw Problem.illegalTransition("certificate", from: "withdrawn", action: "withdraw") }
        try await connection.query(
            "INSERT INTO certificate_withdrawals (certificate_id, reason, withdrawn_by) VALUES (\(certificateId), \(reason), \(audit.actor.id))",
            logger: database.logger
        )
        try await CustomerEventLog.append(
            on: connection, customerId: found.customerId, type: "certificate.withdrawn", subjectId: certificateId,
            data: ["number": found.number, "reason": reason], logger: database.logger
        )
        try await AuditLog.record(
            on: connection, audit, action: "certificate.withdrawn", entity: "certificate", entityId: certificateId.uuidString,
            before: ["status": JSONValue.string("issued")], after: ["status": JSONValue.string("withdrawn"), "reason": .string(reason)],
            logger: database.logger
        )
        try await dependencies.facts.certificateWithdrawn(certificateId, connection, audit)
    }

    /// The withdrawn certificates among `ids`.
    public func withdrawn(_ ids: [UUID], on connection: PostgresConnection) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT certificate_id FROM certificate_withdrawals WHERE certificate_id = ANY(\(ids))", logger: database.logger
        )
        var found: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { found.insert(id) }
        return found
    }

    public func withdrawn(_ ids: [UUID]) async throws -> Set<UUID> {
        try await database.connection { try await withdrawn(ids, on: $0) }
    }
}
