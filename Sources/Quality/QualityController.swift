import Foundation
import Hummingbird
import LIMSCore
import Scheduling

/// `GET /v1/equipment/{id}/impact`, `POST/GET /v1/nonconformities`, `GET /v1/nonconformities/{id}`,
/// `PUT /v1/nonconformities/{id}/certificates/{certificateId}`.
public struct QualityController: Sendable {
    let nonconformities: NonconformityStore

    public init(nonconformities: NonconformityStore) {
        self.nonconformities = nonconformities
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("equipment/{id}/impact", use: impact)
        group.post("nonconformities", use: open)
        group.get("nonconformities", use: list)
        group.get("nonconformities/{id}", use: show)
        group.put("nonconformities/{id}/certificates/{certificateId}", use: dispose)
    }

    struct ImpactResponse: ResponseEncodable {
        struct Row: Codable {
            var id: UUID
            var number: String
            var customerId: UUID
            var issuedAt: Date
            var status: String
        }
        var equipmentId: UUID
        var since: String?
        var certificates: [Row]
    }

    func impact(_ request: Request, context: AuthenticatedContext) async throws -> ImpactResponse {
        _ = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        var validator = Validator()
        let since = request.query["since"]
        if let since { validator.check(DateFormats.parseDay(since) != nil, "since", "must be a date YYYY-MM-DD") }
        try validator.finish()
        let found = try await nonconformities.impact(equipmentId: id, since: since)
        return ImpactResponse(
            equipmentId: id, since: found.since,
            certificates: found.certificates.map { .init(id: $0.id, number: $0.number, customerId: $0.customerId, issuedAt: $0.issuedAt, status: $0.status) }
        )
    }

    func open(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Nonconformity> {
        _ = try context.principal.requireStaff(anyOf: QualityAccess.manage)
        let input = try await request.decode(as: NonconformityStore.NewNonconformity.self, context: context)
        return EditedResponse(status: .created, response: try await nonconformities.open(input, audit: context.audit))
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Nonconformity> {
        _ = try context.principal.requireStaff()
        var validator = Validator()
        let status = request.query["status"].flatMap { validator.requireEnum($0, "status", as: NonconformityStatus.self) }
        try validator.finish()
        return try await nonconformities.list(status: status, page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> Nonconformity {
        _ = try context.principal.requireStaff()
        guard let found = try await nonconformities.find(id: try context.parameters.require("id", as: UUID.self)) else {
            throw Problem.notFound("Nonconformity")
        }
        return found
    }

    func dispose(_ request: Request, context: AuthenticatedContext) async throws -> Nonconformity {
        _ = try context.principal.requireStaff(anyOf: QualityAccess.manage)
        let id = try context.parameters.require("id", as: UUID.self)
        let certificateId = try context.parameters.require("certificateId", as: UUID.self)
        let input = try await request.decode(as: NonconformityStore.DispositionInput.self, context: context)
        return try await nonconformities.dispose(nonconformityId: id, certificateId: certificateId, input, audit: context.audit)
    }
}

extension Nonconformity: ResponseEncodable {}
