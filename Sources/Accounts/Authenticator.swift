import Hummingbird
import LIMSCore

/// Resolves `Authorization: Bearer <secret>` to a person's session (staff or a customer's people) or a customer API key.
///
/// An unknown, expired or revoked secret leaves the request anonymous; routes that need a caller
/// then answer 401 through ``AuthenticatedContext``.
public struct Authenticator: RouterMiddleware {
    public typealias Context = AppRequestContext
    let sessions: SessionStore
    let apiKeys: APIKeyStore

    public init(sessions: SessionStore, apiKeys: APIKeyStore) {
        self.sessions = sessions
        self.apiKeys = apiKeys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.headers[.authorization].flatMap(Self.bearerToken) {
            if token.hasPrefix(SecretToken.apiKeyPrefix) {
                context.principal = try await apiKeys.principal(forKey: token).map(Principal.customer)
            } else if token.hasPrefix(SecretToken.sessionPrefix) {
                context.principal = try await sessions.principal(forToken: token)
            }
        }
        return try await next(request, context)
    }

    /// The secret of a `Bearer` authorization header.
    public static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmed()
        return token.isEmpty || token.count > 200 ? nil : token
    }
}
