import Foundation
import LIMSCore
import PostgresNIO
import Scheduling
import Uncertainty

extension ReviewAndSigning {
    /// The certificate as signing would issue it now, rendered (HTML and text) but neither numbered, signed nor stored:
    /// what the signatory reads before signing. A missing fact is the same 409 that signing gives, so the page can say
    /// what must be recorded first.
    public func preview(jobId: UUID, by staff: StaffPrincipal) async throws -> (html: String, text: String) {
        let issuing = CertificateIssuing(dependencies: dependencies)
        return try await database.transaction { connection in
            let (job, record) = try await jobAndRecord(jobId, on: connection)
            guard job.state == .awaitingSignature else { throw Problem.illegalTransition("job", from: job.state.rawValue, action: "preview") }
            let reviewer = try await lastApprover(jobId, on: connection)
            let facts = try await issuing.facts(job: job, record: record, reviewerId: reviewer, on: connection)
            let document = issuing.document(
                number: "PREVIEW", revision: 0, supersedes: nil, reason: nil, record: record, facts: facts, signer: staff
            )
            return try CertificateRenderer(renderer: dependencies.renderer).render(document, digest: "(not signed: preview)")
        }
    }

    /// One review of a job as its page shows it.
    public struct ReviewEntry: Sendable {
        public var decision: Decision
        public var comment: String?
        public var reviewerId: UUID
        public var at: Date
    }

    /// The reviews of a job, oldest first (a rejection's comment tells the technician what to redo).
    public func reviews(jobId: UUID) async throws -> [ReviewEntry] {
        let rows = try await database.client.query(
            "SELECT decision, comment, reviewer_id, at FROM reviews WHERE job_id = \(jobId) ORDER BY at", logger: database.logger
        )
        var entries: [ReviewEntry] = []
        for try await (decision, comment, reviewer, at) in rows.decode((String, String?, UUID, Date).self) {
            let value = try StoredValue.decode(Decision.self, decision, table: "reviews", column: "decision")
            entries.append(ReviewEntry(decision: value, comment: comment, reviewerId: reviewer, at: at))
        }
        return entries
    }
}

extension MeasurementStore {
    /// The job's measurement record (draft or submitted), if any.
    public func record(jobId: UUID) async throws -> MeasurementRecord? {
        try await dependencies.database.connection { connection in try await record(jobId: jobId, on: connection) }
    }

    /// Evaluates one point as saving would (repeatability, resolution, the budget, U and the decision) without storing
    /// anything: the measurement form's live preview. The issues name fields as saving does (`points[0].readings`).
    public static func evaluate(point: MeasurementInput.Point, serviceMPE: String?, rule: DecisionRule) -> (EvaluatedPoint?, [LIMSCore.FieldIssue]) {
        var validator = Validator()
        let points = PointEvaluator.evaluate([point], serviceMPE: serviceMPE, rule: rule, validator: &validator)
        return (points.first, validator.issues)
    }
}

extension CertificateStore {
    /// Certificates matching a number (or its start), a customer's name and an instrument's serial number, newest first
    /// by issue order; every filter optional.
    /// Newest first; with `scope`, only that customer's certificates (the portal's search).
    public func search(number: String?, customerName: String?, serialNumber: String?, scope: UUID? = nil, page: PageRequest) async throws -> Page<Certificate> {
        let before = try page.cursorValue() ?? Int64.max
        let numberPattern = number.map { Self.likePattern($0) + "%" }
        let customerPattern = customerName.map { "%" + Self.likePattern($0) + "%" }
        return try await database.connection { connection in
            let rows = try await connection.query(
                """
                SELECT c.seq FROM certificates c
                WHERE c.seq < \(before) AND (\(scope)::uuid IS NULL OR c.customer_id = \(scope))
                  AND (\(numberPattern)::text IS NULL OR c.number ILIKE \(numberPattern))
                  AND (\(customerPattern)::text IS NULL OR c.document->'customer'->>'name' ILIKE \(customerPattern))
                  AND (\(serialNumber)::text IS NULL OR lower(c.document->'instrument'->>'serialNumber') = lower(\(serialNumber)))
                ORDER BY c.seq DESC LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            var sequences: [Int64] = []
            for try await seq in rows.decode(Int64.self) { sequences.append(seq) }
            // `select` answers in ascending order; certificates are never deleted, so every sequence is found.
            let found = try await select(seqs: sequences, on: connection).map(\.certificate).reversed()
            return Page(fetched: Array(zip(found, sequences)), limit: page.limit) { $0.1 }.map { $0.0 }
        }
    }

    static func likePattern(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
