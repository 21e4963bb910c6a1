import Foundation
import Hummingbird
import Logging

/// The root request context: request id, and the principal once the authenticator has run.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id echoed as `X-Request-Id` and stamped on every audit event.
    public var requestId: String
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestId = ""
        self.principal = nil
    }

    /// Bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The context of every route that needs a caller: built only when the request is authenticated (else 401).
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestId: String
    public let principal: Principal

    public init(context: AppRequestContext) throws {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        self.coreContext = context.coreContext
        self.requestId = context.requestId
        self.principal = principal
    }

    public var maxUploadSize: Int { 1 << 20 }

    /// Everything an audited change needs to know about who made it and in which request.
    public var audit: AuditContext { AuditContext(actor: principal.actor, requestId: requestId) }
}
