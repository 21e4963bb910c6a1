import Foundation
import Hummingbird
import LIMSCore

/// The job queue over HTTP (staff): `GET /v1/jobs`, `GET /v1/jobs/{id}`, `POST /v1/jobs/claim` (technician),
/// `POST /v1/jobs/{id}/release` (the holder or an admin).
public struct JobController: Sendable {
    let jobs: JobQueue

    public init(jobs: JobQueue) {
        self.jobs = jobs
    }

    struct ClaimRequest: Decodable {
        var serviceCodes: [String]?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("jobs", use: list)
        group.post("jobs/claim", use: claim)
        group.get("jobs/{id}", use: show)
        group.post("jobs/{id}/release", use: release)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Job> {
        _ = try context.principal.requireStaff()
        let query = request.query
        var validator = Validator()
        let state = query["state"].flatMap { validator.requireEnum($0, "state", as: JobState.self) }
        let serviceCode = query["serviceCode"].flatMap { $0.isEmpty ? nil : $0 }
        try validator.finish()
        return try await jobs.list(state: state, serviceCode: serviceCode, page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> Job {
        _ = try context.principal.requireStaff()
        guard let job = try await jobs.job(id: try context.parameters.require("id", as: UUID.self)) else { throw Problem.notFound("Job") }
        return job
    }

    /// 200 with the claimed job, or 204 when nothing is left that the caller may perform.
    func claim(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let technician = try context.principal.requireStaff(anyOf: SchedulingAccess.perform)
        let input = try await request.decodeIfPresent(as: ClaimRequest.self, context: context) ?? ClaimRequest()
        guard let job = try await jobs.claim(userId: technician.id, serviceCodes: input.serviceCodes, audit: context.audit) else {
            return Response(status: .noContent)
        }
        return try job.response(from: request, context: context)
    }

    func release(_ request: Request, context: AuthenticatedContext) async throws -> Job {
        let staff = try context.principal.requireStaff()
        return try await jobs.release(jobId: try context.parameters.require("id", as: UUID.self), by: staff, audit: context.audit)
    }
}
