import Foundation
import Hummingbird
import LIMSCore

/// Staff administration (admin): `POST/GET /v1/users`, `POST/GET /v1/users/{id}/authorizations`,
/// `POST /v1/users/{id}/unlock` and `POST /v1/users/{id}/deactivate`.
public struct UserController: Sendable {
    let staff: StaffStore
    let authorizations: AuthorizationStore
    /// Tells whether a service code exists; the catalogue lives in a module that depends on this one.
    let serviceExists: @Sendable (String) async throws -> Bool

    public init(staff: StaffStore, authorizations: AuthorizationStore, serviceExists: @escaping @Sendable (String) async throws -> Bool) {
        self.staff = staff
        self.authorizations = authorizations
        self.serviceExists = serviceExists
    }

    struct CreateRequest: Decodable {
        var email: String?
        var name: String?
        var roles: [String]?
        var password: String?
    }

    struct GrantRequest: Decodable {
        var serviceCode: String?
        var activity: String?
        var validUntil: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("users", use: create)
        group.get("users", use: list)
        group.get("users/{id}", use: show)
        group.post("users/{id}/authorizations", use: grant)
        group.get("users/{id}/authorizations", use: listAuthorizations)
        group.post("users/{id}/unlock", use: unlock)
        group.post("users/{id}/deactivate", use: deactivate)
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<StaffUser> {
        _ = try context.principal.requireStaff(.admin)
        let input = try await request.decode(as: CreateRequest.self, context: context)
        let user = try await staff.create(
            .init(email: input.email ?? "", name: input.name ?? "", roles: input.roles, password: input.password ?? ""), audit: context.audit
        )
        return EditedResponse(status: .created, response: user)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<StaffUser> {
        _ = try context.principal.requireStaff(.admin)
        return try await staff.list(page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> StaffUser {
        let caller = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        guard caller.roles.contains(.admin) || caller.id == id else { throw Problem.forbidden("This operation needs the role admin.") }
        guard let user = try await staff.find(id: id) else { throw Problem.notFound("User") }
        return user
    }

    func unlock(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        _ = try context.principal.requireStaff(.admin)
        try await staff.unlock(id: try context.parameters.require("id", as: UUID.self), audit: context.audit)
        return .noContent
    }

    func deactivate(_ request: Request, context: AuthenticatedContext) async throws -> StaffUser {
        let admin = try context.principal.requireStaff(.admin)
        return try await staff.deactivate(id: try context.parameters.require("id", as: UUID.self), by: admin.id, audit: context.audit)
    }

    func grant(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Authorization> {
        _ = try context.principal.requireStaff(.admin)
        let userId = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: GrantRequest.self, context: context)
        // The user named by the path comes first: an unknown one is 404 whatever the body says.
        guard try await staff.find(id: userId) != nil else { throw Problem.notFound("User") }
        var validator = Validator()
        let code = validator.requireText(input.serviceCode, "serviceCode", maxLength: 64)
        if !code.isEmpty, try await !serviceExists(code) { validator.add("serviceCode", "is not a service in the catalogue") }
        let activity = validator.requireEnum(input.activity, "activity", as: Activity.self)
        let until = validator.requireText(input.validUntil, "validUntil")
        if !until.isEmpty, DateFormats.parseDay(until) == nil { validator.add("validUntil", "must be a date YYYY-MM-DD") }
        try validator.finish()
        let granted = try await authorizations.grant(
            userId: userId, serviceCode: code, activity: activity ?? .perform, validUntil: until, audit: context.audit
        )
        return EditedResponse(status: .created, response: granted)
    }

    func listAuthorizations(_ request: Request, context: AuthenticatedContext) async throws -> Page<Authorization> {
        _ = try context.principal.requireStaff(.admin)
        let userId = try context.parameters.require("id", as: UUID.self)
        guard try await staff.find(id: userId) != nil else { throw Problem.notFound("User") }
        return try Page(slicing: try await authorizations.list(userId: userId), page: PageRequest(request))
    }
}

extension StaffUser: ResponseEncodable {}
extension Authorization: ResponseEncodable {}
