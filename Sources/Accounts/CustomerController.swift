import Foundation
import Hummingbird
import LIMSCore

/// Customers, their API keys and their people: `POST/GET /v1/customers`, `GET/PATCH /v1/customers/{id}`,
/// `POST/GET /v1/customers/{id}/api-keys`, `DELETE /v1/api-keys/{id}`, `POST/GET /v1/customers/{id}/users`,
/// `DELETE /v1/customers/{id}/users/{userId}`.
public struct CustomerController: Sendable {
    let customers: CustomerStore
    let apiKeys: APIKeyStore
    let people: CustomerUserStore

    public init(customers: CustomerStore, apiKeys: APIKeyStore, people: CustomerUserStore) {
        self.customers = customers
        self.apiKeys = apiKeys
        self.people = people
    }

    struct IssueKeyRequest: Decodable {
        var label: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("customers", use: create)
        group.get("customers", use: list)
        group.get("customers/{id}", use: show)
        group.patch("customers/{id}", use: update)
        group.post("customers/{id}/api-keys", use: issueKey)
        group.get("customers/{id}/api-keys", use: listKeys)
        group.delete("api-keys/{id}", use: revokeKey)
        group.post("customers/{id}/users", use: createPerson)
        group.get("customers/{id}/users", use: listPeople)
        group.delete("customers/{id}/users/{userId}", use: removePerson)
    }

    /// Who manages a customer's people and API keys: a lab admin, or that customer's own `customer_admin`. Another
    /// customer's id is 404 for a customer (as if it did not exist); a `customer_user`, the customer's API key or
    /// staff without `admin` are 403.
    static func requireManager(of customerId: UUID, _ principal: Principal) throws {
        switch principal {
        case .staff: _ = try principal.requireStaff(.admin)
        case .customer(let customer):
            guard customer.customerId == customerId else { throw Problem.notFound("Customer") }
            guard customer.isAdmin else { throw Problem.forbidden("Only the customer's administrator manages its people and API keys.") }
        }
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Customer> {
        _ = try context.principal.requireStaff(.admin)
        let input = try await request.decode(as: CustomerStore.NewCustomer.self, context: context)
        return EditedResponse(status: .created, response: try await customers.create(input, audit: context.audit))
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Customer> {
        _ = try context.principal.requireStaff(.admin, .billing, .receptionist)
        return try await customers.list(page: PageRequest(request))
    }

    /// Staff see any customer; a customer's key sees only its own record (404 for any other id).
    func show(_ request: Request, context: AuthenticatedContext) async throws -> Customer {
        let id = try context.parameters.require("id", as: UUID.self)
        if let scope = context.principal.customerScope, scope != id { throw Problem.notFound("Customer") }
        guard let customer = try await customers.find(id: id) else { throw Problem.notFound("Customer") }
        return customer
    }

    /// Changes a customer's settings (admin): `reminderLeadDays`, `documentLanguage`.
    func update(_ request: Request, context: AuthenticatedContext) async throws -> Customer {
        _ = try context.principal.requireStaff(.admin)
        let id = try context.parameters.require("id", as: UUID.self)
        let change = try await request.decode(as: CustomerStore.CustomerChange.self, context: context)
        return try await customers.update(id: id, change, audit: context.audit)
    }

    func issueKey(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<APIKeyStore.IssuedKey> {
        let id = try context.parameters.require("id", as: UUID.self)
        try Self.requireManager(of: id, context.principal)
        let input = try await request.decodeIfPresent(as: IssueKeyRequest.self, context: context) ?? IssueKeyRequest()
        let issued = try await apiKeys.issue(customerId: id, label: input.label, audit: context.audit)
        return EditedResponse(status: .created, response: issued)
    }

    func listKeys(_ request: Request, context: AuthenticatedContext) async throws -> Page<APIKeySummary> {
        let id = try context.parameters.require("id", as: UUID.self)
        try Self.requireManager(of: id, context.principal)
        guard try await customers.find(id: id) != nil else { throw Problem.notFound("Customer") }
        return try Page(slicing: try await apiKeys.list(customerId: id), page: PageRequest(request))
    }

    func revokeKey(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let id = try context.parameters.require("id", as: UUID.self)
        if let scope = context.principal.customerScope {
            try Self.requireManager(of: scope, context.principal)
            try await apiKeys.revoke(id: id, scope: scope, audit: context.audit)
        } else {
            _ = try context.principal.requireStaff(.admin)
            try await apiKeys.revoke(id: id, audit: context.audit)
        }
        return .noContent
    }

    func createPerson(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<CustomerUserRecord> {
        let id = try context.parameters.require("id", as: UUID.self)
        try Self.requireManager(of: id, context.principal)
        let input = try await request.decode(as: CustomerUserStore.NewPerson.self, context: context)
        return EditedResponse(status: .created, response: try await people.create(input, customerId: id, audit: context.audit))
    }

    func listPeople(_ request: Request, context: AuthenticatedContext) async throws -> Page<CustomerUserRecord> {
        let id = try context.parameters.require("id", as: UUID.self)
        try Self.requireManager(of: id, context.principal)
        guard try await customers.find(id: id) != nil else { throw Problem.notFound("Customer") }
        return try await people.list(customerId: id, page: PageRequest(request))
    }

    func removePerson(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let id = try context.parameters.require("id", as: UUID.self)
        try Self.requireManager(of: id, context.principal)
        let userId = try context.parameters.require("userId", as: UUID.self)
        try await people.remove(userId: userId, customerId: id, by: context.principal.person?.id, audit: context.audit)
        return .noContent
    }
}

extension Customer: ResponseEncodable {}
extension APIKeyStore.IssuedKey: ResponseEncodable {}
extension APIKeySummary: ResponseEncodable {}
extension CustomerUserRecord: ResponseEncodable {}
