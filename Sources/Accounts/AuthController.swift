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
            var roles: [Role]
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
        let user = session.user
        return LoginResponse(
            token: session.token, expiresAt: session.expiresAt,
            user: .init(id: user.id, email: user.email, name: user.name, roles: user.roles.sorted())
        )
    }

    func logout(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        _ = try context.principal.requireStaff()
        guard let token = request.headers[.authorization].flatMap(Authenticator.bearerToken) else { throw Problem.unauthorized() }
        try await sessions.logout(token: token, audit: context.audit)
        return .noContent
    }

    /// Any signed-in staff member changes their own password; their other sessions end. A customer API key is 403.
    func changePassword(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let user = try context.principal.requireStaff()
        guard let token = request.headers[.authorization].flatMap(Authenticator.bearerToken) else { throw Problem.unauthorized() }
        let input = try await request.decode(as: PasswordRequest.self, context: context)
        try await sessions.changePassword(
            of: user, .init(currentPassword: input.currentPassword, newPassword: input.newPassword), keepingSession: token,
            sourceAddress: sourceAddress.resolve(request, peer: context.remoteAddress), audit: context.audit
        )
        return .noContent
    }
}
