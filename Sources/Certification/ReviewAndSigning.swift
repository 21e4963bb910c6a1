import Crypto
import Foundation
import LIMSCore
import PostgresNIO
import Scheduling

/// The four-eyes workflow after submission: review by an authorised colleague who did not perform the work,
/// then signature by an authorised signatory who did not perform it, which issues the certificate.
public struct ReviewAndSigning: Sendable {
    let dependencies: CertificationDependencies
    let measurements: MeasurementStore
    var database: Database { dependencies.database }

    public init(dependencies: CertificationDependencies, measurements: MeasurementStore) {
        self.dependencies = dependencies
        self.measurements = measurements
    }

    public enum Decision: String, Codable, Sendable, CaseIterable {
        case approve, reject
    }

    /// Approve (`in_review → awaiting_signature`) or send back to the performer (`in_review → claimed`).
    public func review(jobId: UUID, decision: Decision, comment: String?, by staff: StaffPrincipal, audit: AuditContext) async throws -> Job {
        try await database.transaction { connection in
            let (job, record) = try await jobAndRecord(jobId, on: connection)
            try await requireIndependent(staff, of: record, activity: .review, service: job.serviceCode, on: connection)
            guard job.state == .inReview else { throw Problem.illegalTransition("job", from: job.state.rawValue, action: "review") }
            if decision == .reject, (comment ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw Problem.invalid("comment", "is required when sending the work back")
            }
            try await connection.query(
                "INSERT INTO reviews (job_id, reviewer_id, decision, comment) VALUES (\(jobId), \(staff.id), \(decision.rawValue), \(comment))",
                logger: database.logger
            )
            if decision == .reject {
                try await connection.query("UPDATE measurements SET submitted_at = NULL WHERE job_id = \(jobId)", logger: database.logger)
            }
            // The decision and its comment are part of the record of the work (ISO/IEC 17025 §7.8.1), not only the state change.
            try await AuditLog.record(
                on: connection, audit, action: "job.reviewed", entity: "job", entityId: jobId.uuidString,
                after: ReviewRecord(decision: decision.rawValue, comment: comment, reviewerId: staff.id), logger: database.logger
            )
            return try await dependencies.jobs.transition(
                on: connection, jobId: jobId, from: [.inReview], to: decision == .approve ? .awaitingSignature : .claimed, audit: audit
            )
        }
    }

    /// Signs and issues the certificate in one transaction: number, frozen document, digest, Ed25519 signature,
    /// stored HTML and text; the item becomes certified, the order completes when it is finished, and
    /// `certificate.issued` reaches the customer's feed.
    public func sign(jobId: UUID, by staff: StaffPrincipal, audit: AuditContext) async throws -> Certificate {
        guard let key = dependencies.signingKey else {
            throw Problem(status: .serviceUnavailable, title: "No signing key", detail: "The lab has no signing key: run `lims keys init` first.")
        }
        let issuing = CertificateIssuing(dependencies: dependencies)
        return try await database.transaction { connection in
            let (job, record) = try await jobAndRecord(jobId, on: connection)
            try await requireIndependent(staff, of: record, activity: .sign, service: job.serviceCode, on: connection)
            guard job.state == .awaitingSignature else { throw Problem.illegalTransition("job", from: job.state.rawValue, action: "sign") }
            let reviewer = try await lastApprover(jobId, on: connection)
            // Every fact is checked before the number is taken: a refused signing consumes no certificate number.
            let facts = try await issuing.facts(job: job, record: record, reviewerId: reviewer, on: connection)
            let number = try await Numbering.sequential("CERT", on: connection, logger: database.logger)
            let document = issuing.document(
                number: number, revision: 0, supersedes: nil, reason: nil, record: record, facts: facts, signer: staff
            )
            let certificate = try await issuing.store(document, baseNumber: number, supersedes: nil, job: job, signer: staff, key: key, on: connection)
            _ = try await dependencies.jobs.transition(on: connection, jobId: jobId, from: [.awaitingSignature], to: .certified, audit: audit)
            try await dependencies.facts.itemCertified(job.itemId, connection, audit)
            try await dependencies.facts.certificateIssued(.init(certificate), connection, audit)
            try await AuditLog.record(
                on: connection, audit, action: "certificate.issued", entity: "certificate", entityId: certificate.id.uuidString,
                after: ["number": certificate.number, "digest": certificate.digest], logger: database.logger
            )
            try await CustomerEventLog.append(
                on: connection, customerId: job.customerId, type: "certificate.issued", subjectId: certificate.id,
                data: ["certificateId": certificate.id.uuidString, "number": certificate.number, "itemId": job.itemId.uuidString], logger: database.logger
            )
            try await dependencies.facts.itemFinished(job.orderId, connection, audit)
            return certificate
        }
    }

    func jobAndRecord(_ jobId: UUID, on connection: PostgresConnection) async throws -> (Job, MeasurementRecord) {
        guard let job = try await dependencies.jobs.job(id: jobId, on: connection) else { throw Problem.notFound("Job") }
        guard let record = try await measurements.record(jobId: jobId, on: connection) else {
            throw Problem.illegalTransition("job", from: job.state.rawValue, action: "review or sign")
        }
        return (job, record)
    }

    /// 403 unless `staff` holds an unexpired authorisation for `activity` and did not perform the work.
    func requireIndependent(
        _ staff: StaffPrincipal, of record: MeasurementRecord, activity: CertificationFacts.Activity, service: String, on connection: PostgresConnection
    ) async throws {
        if staff.id == record.performerId {
            throw Problem.forbidden("Four eyes: the technician who performed the work may not \(activity.rawValue) it.")
        }
        guard try await dependencies.facts.isAuthorized(staff.id, service, activity, connection) else {
            throw Problem.forbidden("No valid authorisation to \(activity.rawValue) \(service).")
        }
    }

    func lastApprover(_ jobId: UUID, on connection: PostgresConnection) async throws -> UUID {
        let rows = try await connection.query(
            "SELECT reviewer_id FROM reviews WHERE job_id = \(jobId) AND decision = 'approve' ORDER BY at DESC LIMIT 1", logger: database.logger
        )
        for try await id in rows.decode(UUID.self) { return id }
        throw Problem.conflict("The job has no approving review.")
    }
}

/// What the audit log keeps of a review.
struct ReviewRecord: Encodable, Sendable {
    var decision: String
    var comment: String?
    var reviewerId: UUID
}
