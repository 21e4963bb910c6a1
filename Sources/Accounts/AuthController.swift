import Foundation
import Hummingbird
import LIMSCore

/// `POST /v1/auth/login`, `POST /v1/auth/logout` and `POST /v1/auth/password`.
public struct AuthController: Sendable {
    let sessions: SessionStore
    let sourceAddress: SourceAddress

    public init(sessions: SessionStore, sourceAddress: SourceAddress) {
        self.sessions = sessions
        self.sourceAddress = sourceAddress
    }

    struct LoginRequest: Decodable {
        var email: String?
        var password: String?
    }

    struct PasswordRequest: Decodable {
        var currentPassword: String?
        var newPassword: String?
    }

    struct LoginResponse: ResponseEncodable {
        struct User: Codable {
            var id: UUID
            var email: String
            var name: String
            /// Staff roles, or the person's one customer role.
            var roles: [String]
            /// The customer a customer's person belongs to (absent for staff).
            var customerId: UUID?
        }
        var token: String
        var expiresAt: Date
        var user: User
    }

    public func addOpenRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("auth/login", use: login)
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("auth/logout", use: logout)
        group.post("auth/password", use: changePassword)
    }

    func login(_ request: Request, context: AppRequestContext) async throws -> LoginResponse {
        let input = try await request.decode(as: LoginRequest.self, context: context)
        var validator = Validator()
        let email = validator.requireText(input.email, "email", maxLength: 254)
        validator.check(!email.unicodeScalars.contains { $0.properties.generalCategory == .control }, "email", "must not contain control characters")
        validator.check(!(input.password ?? "").isEmpty, "password", "is required")
        try validator.finish()
        let session = try await sessions.login(
            email: email, password: input.password ?? "", sourceAddress: sourceAddress.resolve(request, peer: context.remoteAddress),
            requestId: context.requestId
        )
        let user: LoginResponse.User
        switch session.user {
        case .staff(let staff):
            user = .init(id: staff.id, email: staff.email, name: staff.name, roles: staff.roles.sorted().map(\.rawValue), customerId: nil)
        case .customer(let customer):
            guard let person = customer.user else { throw Problem.unauthorized() }
            user = .init(id: person.id, email: person.email, name: person.name, roles: [person.role.rawValue], customerId: customer.customerId)
        }
        return LoginResponse(token: session.token, expiresAt: session.expiresAt, user: user)
    }

    func logout(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        guard context.principal.person != nil else { throw Problem.forbidden("Only a signed-in person has a session to end; an API key is revoked instead.") }
        guard let token = request.headers[.authorization].flatMap(Authenticator.bearerToken) else { throw Problem.unauthorized() }
        try await sessions.logout(token: token, audit: context.audit)
        return .noContent
    }

    /// Any signed-in person (staff or a customer's) changes their own password; their other sessions end. An API key is 403.
    func changePassword(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let user = context.principal
        guard user.person != nil else { throw Problem.forbidden("Only a signed-in person has a password to change.") }
        guard let token = request.headers[.authorization].flatMap(Authenticator.bearerToken) else { throw Problem.unauthorized() }
        let input = try await request.decode(as: PasswordRequest.self, context: context)
        try await sessions.changePassword(
            of: user, .init(currentPassword: input.currentPassword, newPassword: input.newPassword), keepingSession: token,
            sourceAddress: sourceAddress.resolve(request, peer: context.remoteAddress), audit: context.audit
        )
        return .noContent
    }
}
