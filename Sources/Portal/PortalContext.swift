import Foundation
import Hummingbird
import LIMSCore
import NIOCore
import Web

/// The context of every portal page but sign-in: built only for a customer's person with a live web session (anyone
/// else is sent to sign in), so every page has the customer its reads are confined to.
public struct PortalContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestId: String
    public let customer: CustomerPrincipal
    public let user: CustomerUser
    /// The root context as the web layer's helpers take it.
    public let root: AppRequestContext

    public init(context: AppRequestContext) throws {
        guard case .customer(let customer) = context.principal, let user = customer.user, context.sessionSecret != nil else {
            throw WebError.signInRequired
        }
        self.coreContext = context.coreContext
        self.requestId = context.requestId
        self.customer = customer
        self.user = user
        self.root = context
    }

    public var maxUploadSize: Int { 1 << 20 }

    /// The customer every read and write of the portal is confined to.
    public var customerId: UUID { customer.customerId }

    /// The principal as the modules take it: exactly the customer's API key's rights.
    public var principal: Principal { .customer(customer) }

    /// Who made a change, and in which request, for the audit log.
    public var audit: AuditContext { AuditContext(actor: principal.actor, requestId: requestId) }

    /// Whether the person is the customer's administrator.
    public var isAdmin: Bool { customer.isAdmin }

    /// Throws the 403 page unless the person is the customer's administrator.
    public func requireAdmin() throws {
        guard isAdmin else { throw WebError.forbidden }
    }

    /// The UUID in path parameter `name`; anything else is the 404 page (a malformed id names nothing).
    public func uuid(_ name: String = "id") throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw WebError.notFound }
        return id
    }
}
