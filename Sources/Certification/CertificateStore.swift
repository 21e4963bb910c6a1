import Foundation
import LIMSCore
import PostgresNIO
import Scheduling

/// Reading, verifying and amending issued certificates. Owns `certificates`.
public struct CertificateStore: Sendable {
    let dependencies: CertificationDependencies
    var database: Database { dependencies.database }

    public init(dependencies: CertificationDependencies) {
        self.dependencies = dependencies
    }

    /// A stored certificate with its stored renderings (downloads serve these bytes, never a re-render).
    public struct Stored: Sendable {
        public var certificate: Certificate
        public var html: String
        public var text: String
        /// The Digital Calibration Certificate (XML); nil for certificates signed before DCC export.
        public var dcc: String?
    }

    public func find(id: UUID, scope: UUID?) async throws -> Stored {
        let found: Stored? = try await database.connection { connection in try await self.find(id: id, on: connection) }
        guard let found, scope == nil || found.certificate.customerId == scope else { throw Problem.notFound("Certificate") }
        return found
    }

    func find(id: UUID, on connection: PostgresConnection) async throws -> Stored? {
        try await select(id: id, on: connection).first
    }

    /// Oldest first; a customer sees its own only. `ids` narrows the list to those certificates (an instrument's, say).
    public func list(orderId: UUID?, ids: [UUID]? = nil, scope: UUID?, page: PageRequest) async throws -> Page<Certificate> {
        let after = try page.cursorValue() ?? 0
        return try await database.connection { connection in
            let rows = try await connection.query(
                """
                SELECT c.seq FROM certificates c
                WHERE c.seq > \(after) AND (\(orderId)::uuid IS NULL OR c.order_id = \(orderId)) AND (\(scope)::uuid IS NULL OR c.customer_id = \(scope))
                  AND (\(ids)::uuid[] IS NULL OR c.id = ANY(\(ids)::uuid[]))
                ORDER BY c.seq LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            var sequences: [Int64] = []
            for try await seq in rows.decode(Int64.self) { sequences.append(seq) }
            let certificates = try await select(seqs: sequences, on: connection).map(\.certificate)
            return Page(fetched: Array(zip(certificates, sequences)), limit: page.limit) { $0.1 }.map { $0.0 }
        }
    }

    public enum VerificationStatus: String, Codable, Sendable {
        case valid, superseded, withdrawn, unknown, mismatch
    }

    /// `issuedAt` and `supersededBy` only when the digest matched; absent for `mismatch` and `unknown`.
    public struct Verification: Codable, Sendable {
        public var status: VerificationStatus
        public var number: String
        public var issuedAt: Date?
        public var supersededBy: String?

        init(status: VerificationStatus, number: String, issuedAt: Date? = nil, supersededBy: String? = nil) {
            self.status = status
            self.number = number
            self.issuedAt = issuedAt
            self.supersededBy = supersededBy
        }
    }

    /// Anyone may check a number and digest: valid, superseded by an amendment, unknown, or a digest mismatch (tampering).
    public func verify(number: String, digest: String) async throws -> Verification {
        let rows = try await database.client.query(
            """
            SELECT c.digest, c.document->>'contentDigest', c.document->'documents'->>'html', c.document->'documents'->>'text',
                   c.document->'documents'->>'dcc', c.issued_at, n.number
                   , w.certificate_id IS NOT NULL
            FROM certificates c LEFT JOIN certificates n ON n.supersedes = c.id LEFT JOIN certificate_withdrawals w ON w.certificate_id = c.id
            WHERE c.number = \(number)
            """,
            logger: database.logger
        )
        for try await (stored, content, html, text, dcc, issuedAt, newer, withdrawn) in rows.decode(
            (String, String?, String?, String?, String?, Date, String?, Bool).self
        ) {
            // The signed digest, or (schema 2) the content digest printed on the pages or the digest of any rendered document.
            let accepted = [stored, content, html, text, dcc].compactMap { $0?.lowercased() }
            // A wrong digest learns nothing more about the certificate than that the number exists.
            guard accepted.contains(digest.lowercased()) else { return Verification(status: .mismatch, number: number) }
            if withdrawn { return Verification(status: .withdrawn, number: number, issuedAt: issuedAt) }
            return Verification(status: newer == nil ? .valid : .superseded, number: number, issuedAt: issuedAt, supersededBy: newer)
        }
        return Verification(status: .unknown, number: number)
    }

    public struct InstrumentCorrection: Decodable, Sendable {
        public var manufacturer: String?
        public var model: String?
        public var serialNumber: String?
        public var assetTag: String?
    }

    /// Issues revision `-R1`, `-R2`… that states what it replaces and why; the original stays on record and
    /// from then on verifies as `superseded`. Corrections may fix the instrument's identification.
    public func amend(id: UUID, reason: String, instrument: InstrumentCorrection?, by staff: StaffPrincipal, audit: AuditContext) async throws -> Certificate {
        guard let key = dependencies.signingKey else {
            throw Problem(status: .serviceUnavailable, title: "No signing key", detail: "The lab has no signing key: run `lims keys init` first.")
        }
        return try await database.transaction { connection in
            let locked = try await connection.query("SELECT base_number FROM certificates WHERE id = \(id) FOR UPDATE", logger: database.logger)
            var baseNumber: String?
            for try await base in locked.decode(String.self) { baseNumber = base }
            guard let baseNumber, let original = try await find(id: id, on: connection) else { throw Problem.notFound("Certificate") }
            guard original.certificate.status == "issued" else {
                throw Problem.illegalTransition("certificate", from: "superseded", action: "amend")
            }
            let serviceCode = original.certificate.document.method.serviceCode
            guard try await dependencies.facts.isAuthorized(staff.id, serviceCode, .sign, connection) else {
                throw Problem.forbidden("No valid authorisation to sign \(serviceCode).")
            }
            let revision = original.certificate.revision + 1
            var document = original.certificate.document
            document.number = "\(baseNumber)-R\(revision)"
            document.revision = revision
            document.supersedes = original.certificate.number
            document.amendmentReason = reason
            document.issuedOn = DateFormats.formatDay(Date())
            document.signedBy = .init(name: staff.name, role: "Approved and signed by (authorised signatory)")
            if let instrument {
                document.instrument.manufacturer = instrument.manufacturer ?? document.instrument.manufacturer
                document.instrument.model = instrument.model ?? document.instrument.model
                document.instrument.serialNumber = instrument.serialNumber ?? document.instrument.serialNumber
                document.instrument.assetTag = instrument.assetTag ?? document.instrument.assetTag
            }
            guard let job = try await dependencies.jobs.job(id: original.certificate.jobId, on: connection) else { throw Problem.notFound("Job") }
            let amended = try await CertificateIssuing(dependencies: dependencies).store(
                document, baseNumber: baseNumber, supersedes: id, job: job, signer: staff, key: key, on: connection
            )
            try await dependencies.facts.certificateIssued(.init(amended), connection, audit)
            try await AuditLog.record(
                on: connection, audit, action: "certificate.amended", entity: "certificate", entityId: amended.id.uuidString,
                before: ["number": original.certificate.number], after: ["number": amended.number, "reason": reason], logger: database.logger
            )
            try await CustomerEventLog.append(
                on: connection, customerId: amended.customerId, type: "certificate.amended", subjectId: amended.id,
                data: ["certificateId": amended.id.uuidString, "number": amended.number, "supersedes": original.certificate.number], logger: database.logger
            )
            return amended
        }
    }

    /// Certificates by id or by list positions (in list order), with whether (and by what) each was superseded.
    func select(id: UUID? = nil, seqs: [Int64]? = nil, on connection: PostgresConnection) async throws -> [Stored] {
        let rows = try await connection.query(
            """
            SELECT c.id, c.number, c.revision, c.supersedes, n.id, c.job_id, c.item_id, c.order_id, c.customer_id, c.document_kind, c.issued_at,
                   c.document, c.digest, c.signature, c.html, c.plain_text, c.dcc
                   , w.certificate_id IS NOT NULL
            FROM certificates c LEFT JOIN certificates n ON n.supersedes = c.id LEFT JOIN certificate_withdrawals w ON w.certificate_id = c.id
            WHERE (\(id)::uuid IS NULL OR c.id = \(id)) AND (\(seqs)::bigint[] IS NULL OR c.seq = ANY(\(seqs)))
            ORDER BY c.seq
            """,
            logger: database.logger
        )
        var found: [Stored] = []
        for try await row in rows.decode(
            (UUID, String, Int, UUID?, UUID?, UUID, UUID, UUID, UUID, String, Date, JSONValue, String, String, String, String, String?, Bool).self
        ) {
            let document = try JSONDecoder().decode(CertificateDocument.self, from: JSONValue.encoder.encode(row.11))
            // Withdrawn (nonconforming work) wins over superseded: a withdrawn revision is never in force.
            let status = row.17 ? "withdrawn" : row.4 == nil ? "issued" : "superseded"
            let certificate = Certificate(
                id: row.0, number: row.1, revision: row.2, status: status, supersedes: row.3, supersededBy: row.4,
                jobId: row.5, itemId: row.6, orderId: row.7, customerId: row.8, documentKind: row.9, issuedAt: row.10, document: document,
                digest: row.12, signature: row.13, documents: document.documents
            )
            found.append(Stored(certificate: certificate, html: row.14, text: row.15, dcc: row.16))
        }
        return found
    }
}
