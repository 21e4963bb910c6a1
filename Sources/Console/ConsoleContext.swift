import Foundation
import Hummingbird
import LIMSCore
import NIOCore
import Web

/// The context of every console page but sign-in: built only for a member of staff with a live web session
/// (anyone else is sent to sign in), so a page that needs a person gets one from its type.
public struct ConsoleContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestId: String
    public let staff: StaffPrincipal
    /// The root context as the web layer's helpers take it.
    public let root: AppRequestContext

    public init(context: AppRequestContext) throws {
        guard case .staff(let staff) = context.principal, context.sessionSecret != nil else { throw WebError.signInRequired }
        self.coreContext = context.coreContext
        self.requestId = context.requestId
        self.staff = staff
        self.root = context
    }

    public var maxUploadSize: Int { 1 << 20 }

    /// Who made a change, and in which request, for the audit log.
    public var audit: AuditContext { AuditContext(actor: Principal.staff(staff).actor, requestId: requestId) }

    /// The principal as the modules' role checks take it.
    public var principal: Principal { .staff(staff) }

    /// Whether the person holds any of `roles`.
    public func has(_ roles: Role...) -> Bool { !staff.roles.isDisjoint(with: roles) }

    /// Whether the person holds any of `roles`, as a module lists them for an action.
    public func has(anyOf roles: [Role]) -> Bool { !staff.roles.isDisjoint(with: roles) }

    /// Throws the 403 page unless the person holds one of `roles` (the API's rule for the same action).
    public func require(_ roles: [Role]) throws {
        guard staff.roles.contains(where: roles.contains) else { throw WebError.forbidden }
    }

    /// The UUID in path parameter `name`; anything else is the 404 page (a malformed id names nothing).
    public func uuid(_ name: String = "id") throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw WebError.notFound }
        return id
    }
}

/// One labelled fact of a detail page (`<dl class="facts">`), linked when `href` is set.
struct Fact: Sendable {
    var label: String
    var value: String
    var href: String?

    init(label: String, value: String, href: String? = nil) {
        self.label = label
        self.value = value
        self.href = href
    }
}
