import Foundation

/// A staff role. A user may hold several.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case admin, receptionist, technician, reviewer, signatory, billing

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A signed-in member of the lab's staff.
public struct StaffPrincipal: Sendable, Equatable, Codable {
    public var id: UUID
    public var email: String
    public var name: String
    public var roles: Set<Role>

    public init(id: UUID, email: String, name: String, roles: Set<Role>) {
        self.id = id
        self.email = email
        self.name = name
        self.roles = roles
    }
}

/// The role of a person at a customer: a `customer_admin` also manages the customer's people and API keys.
public enum CustomerRole: String, Codable, Sendable, CaseIterable {
    case customerAdmin = "customer_admin"
    case customerUser = "customer_user"
}

/// A person at a customer, signed in with their own password (portal or API session).
public struct CustomerUser: Sendable, Equatable, Codable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: CustomerRole

    public init(id: UUID, email: String, name: String, role: CustomerRole) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
    }
}

/// A customer acting through one of its API keys (its system) or one of its people: both read and act exactly
/// alike, confined to the customer's own data.
public struct CustomerPrincipal: Sendable, Equatable {
    public var customerId: UUID
    /// The API key, when the customer's system calls.
    public var apiKeyId: UUID?
    /// The person, when one of the customer's people is signed in.
    public var user: CustomerUser?

    public init(customerId: UUID, apiKeyId: UUID) {
        self.customerId = customerId
        self.apiKeyId = apiKeyId
        self.user = nil
    }

    public init(customerId: UUID, user: CustomerUser) {
        self.customerId = customerId
        self.apiKeyId = nil
        self.user = user
    }

    /// Whether a `customer_admin` of the customer is signed in.
    public var isAdmin: Bool { user?.role == .customerAdmin }
}

/// Whoever a request is authenticated as.
public enum Principal: Sendable, Equatable {
    case staff(StaffPrincipal)
    case customer(CustomerPrincipal)

    /// How the audit log names this principal.
    public var actor: AuditActor {
        switch self {
        case .staff(let staff): AuditActor(kind: "staff", id: staff.id, name: staff.name)
        case .customer(let customer): AuditActor(kind: "customer", id: customer.customerId, name: customer.user.map { "\($0.name) <\($0.email)>" })
        }
    }

    /// The signed-in person (staff or a customer's person); `nil` for a customer's API key.
    public var person: (id: UUID, email: String, name: String)? {
        switch self {
        case .staff(let staff): (staff.id, staff.email, staff.name)
        case .customer(let customer): customer.user.map { ($0.id, $0.email, $0.name) }
        }
    }

    /// Returns the staff user when it holds at least one of `roles` (any role when empty); 403 otherwise.
    public func requireStaff(_ roles: Role...) throws -> StaffPrincipal {
        try requireStaff(anyOf: roles)
    }

    /// Returns the staff user when it holds at least one of `roles`, as a module states them for an action
    /// (e.g. `OrderAccess.contractReview`), so pages and controllers enforce one list; 403 otherwise.
    public func requireStaff(anyOf roles: [Role]) throws -> StaffPrincipal {
        guard case .staff(let staff) = self else {
            throw Problem.forbidden("This operation is for lab staff.")
        }
        if !roles.isEmpty, staff.roles.isDisjoint(with: roles) {
            throw Problem.forbidden("This operation needs the role \(roles.map(\.rawValue).joined(separator: " or ")).")
        }
        return staff
    }

    /// Returns the customer; 403 for staff on a customer-only route.
    public func requireCustomer() throws -> CustomerPrincipal {
        guard case .customer(let customer) = self else {
            throw Problem.forbidden("This operation is for customers, authenticated by an API key or a customer's own sign-in.")
        }
        return customer
    }

    /// The customer a query must be confined to: `nil` for staff (who see everything).
    public var customerScope: UUID? {
        if case .customer(let customer) = self { return customer.customerId }
        return nil
    }
}
