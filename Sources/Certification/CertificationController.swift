import Foundation
import Hummingbird
import LIMSCore
import Scheduling

/// The bench side: `PUT /v1/jobs/{id}/measurements`, `POST /v1/jobs/{id}/submit`, `/review`, `/sign`,
/// and `GET /v1/jobs/{id}/measurements`.
public struct CertificationController: Sendable {
    let measurements: MeasurementStore
    let workflow: ReviewAndSigning
    let database: Database

    public init(measurements: MeasurementStore, workflow: ReviewAndSigning, database: Database) {
        self.measurements = measurements
        self.workflow = workflow
        self.database = database
    }

    struct ReviewRequest: Decodable {
        var decision: String?
        var comment: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.put("jobs/{id}/measurements", use: record)
        group.get("jobs/{id}/measurements", use: show)
        group.post("jobs/{id}/submit", use: submit)
        group.post("jobs/{id}/review", use: review)
        group.post("jobs/{id}/sign", use: sign)
    }

    func record(_ request: Request, context: AuthenticatedContext) async throws -> MeasurementRecord {
        let staff = try context.principal.requireStaff(anyOf: CertificationAccess.measure)
        let input = try await request.decode(as: MeasurementInput.self, context: context)
        return try await measurements.save(jobId: try context.parameters.require("id", as: UUID.self), input: input, by: staff, audit: context.audit)
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> MeasurementRecord {
        _ = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        let record: MeasurementRecord? = try await database.connection { connection in try await measurements.record(jobId: id, on: connection) }
        guard let record else { throw Problem.notFound("Measurements") }
        return record
    }

    func submit(_ request: Request, context: AuthenticatedContext) async throws -> Job {
        let staff = try context.principal.requireStaff(anyOf: CertificationAccess.measure)
        return try await measurements.submit(jobId: try context.parameters.require("id", as: UUID.self), by: staff, audit: context.audit)
    }

    func review(_ request: Request, context: AuthenticatedContext) async throws -> Job {
        let staff = try context.principal.requireStaff(anyOf: CertificationAccess.review)
        let input = try await request.decode(as: ReviewRequest.self, context: context)
        var validator = Validator()
        let decision = validator.requireEnum(input.decision, "decision", as: ReviewAndSigning.Decision.self)
        try validator.finish()
        return try await workflow.review(
            jobId: try context.parameters.require("id", as: UUID.self), decision: decision ?? .approve, comment: input.comment, by: staff, audit: context.audit
        )
    }

    func sign(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Certificate> {
        let staff = try context.principal.requireStaff(anyOf: CertificationAccess.sign)
        let certificate = try await workflow.sign(jobId: try context.parameters.require("id", as: UUID.self), by: staff, audit: context.audit)
        return EditedResponse(status: .created, response: certificate)
    }
}

extension MeasurementRecord: ResponseEncodable {}
