import Foundation
import Hummingbird
import LIMSCore

/// Customers and their API keys (admin): `POST/GET /v1/customers`, `GET /v1/customers/{id}`,
/// `POST/GET /v1/customers/{id}/api-keys`, `DELETE /v1/api-keys/{id}`.
public struct CustomerController: Sendable {
    let customers: CustomerStore
    let apiKeys: APIKeyStore

    public init(customers: CustomerStore, apiKeys: APIKeyStore) {
        self.customers = customers
        self.apiKeys = apiKeys
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
        _ = try context.principal.requireStaff(.admin)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decodeIfPresent(as: IssueKeyRequest.self, context: context) ?? IssueKeyRequest()
        let issued = try await apiKeys.issue(customerId: id, label: input.label, audit: context.audit)
        return EditedResponse(status: .created, response: issued)
    }

    func listKeys(_ request: Request, context: AuthenticatedContext) async throws -> Page<APIKeySummary> {
        _ = try context.principal.requireStaff(.admin)
        let id = try context.parameters.require("id", as: UUID.self)
        guard try await customers.find(id: id) != nil else { throw Problem.notFound("Customer") }
        return try Page(slicing: try await apiKeys.list(customerId: id), page: PageRequest(request))
    }

    func revokeKey(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        _ = try context.principal.requireStaff(.admin)
        try await apiKeys.revoke(id: try context.parameters.require("id", as: UUID.self), audit: context.audit)
        return .noContent
    }
}

extension Customer: ResponseEncodable {}
extension APIKeyStore.IssuedKey: ResponseEncodable {}
extension APIKeySummary: ResponseEncodable {}
