import Foundation
import Hummingbird
import Logging
import NIOCore

/// The root request context: request id, the TCP peer, and the principal once the authenticator has run.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id echoed as `X-Request-Id` and stamped on every audit event.
    public var requestId: String
    public var principal: Principal?
    /// The secret of the web page session (cookie) the principal came from, set only by the web layer; pages derive
    /// their form tokens from it. `nil` for API requests.
    public var sessionSecret: String?
    /// The connection's peer (nil when there is no socket, as in router tests); sign-in throttling counts by it.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestId = ""
        self.principal = nil
        self.sessionSecret = nil
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The context of every route that needs a caller: built only when the request is authenticated (else 401).
public struct AuthenticatedContext: ChildRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestId: String
    public let principal: Principal
    public let remoteAddress: SocketAddress?

    public init(context: AppRequestContext) throws {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        self.coreContext = context.coreContext
        self.requestId = context.requestId
        self.principal = principal
        self.remoteAddress = context.remoteAddress
    }

    public var maxUploadSize: Int { 1 << 20 }

    /// Everything an audited change needs to know about who made it and in which request.
    public var audit: AuditContext { AuditContext(actor: principal.actor, requestId: requestId) }
}
