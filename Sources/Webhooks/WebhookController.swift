import Foundation
import Hummingbird
import HTTPTypes
import LIMSCore

/// `/v1/webhooks`: a customer's endpoints, their secrets and their delivery log (CONTRACT.md, "Webhooks").
public struct WebhookController: Sendable {
    let store: WebhookStore

    public init(store: WebhookStore) {
        self.store = store
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("webhooks", use: create)
        group.get("webhooks", use: list)
        group.get("webhooks/{id}", use: show)
        group.delete("webhooks/{id}", use: delete)
        group.post("webhooks/{id}/rotate-secret", use: rotate)
        group.get("webhooks/{id}/deliveries", use: deliveries)
        group.post("webhooks/{id}/deliveries/{deliveryId}/replay", use: replay)
    }

    /// The customer the caller acts for, when it may do `action` (a `customer_user` may only read); 403 otherwise.
    public static func customer(_ principal: Principal, for action: WebhookAccess.Action) throws -> UUID {
        let customer = try principal.requireCustomer()
        if action == .manage, customer.user != nil, !customer.isAdmin {
            throw Problem.forbidden("Only the customer's administrator or its API key manages webhook endpoints.")
        }
        return customer.customerId
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<CreatedWebhookEndpoint> {
        let customerId = try Self.customer(context.principal, for: .manage)
        let body = try await request.decodeIfPresent(as: JSONValue.self, context: context) ?? .object([:])
        guard case .object(let fields) = body else { throw Problem.invalid("body", "must be a JSON object with url and eventTypes") }
        var issues: [FieldIssue] = []
        var url: String?
        switch fields["url"] {
        case .string(let text): url = text
        case nil, .null: break
        default: issues.append(FieldIssue(field: "url", message: "must be a string"))
        }
        var eventTypes: [String]?
        switch fields["eventTypes"] {
        case nil, .null: break
        case .array(let items):
            eventTypes = []
            for (index, item) in items.enumerated() {
                if case .string(let text) = item { eventTypes?.append(text) } else {
                    // A stand-in keeps the other items' indices; its own problem is the shape's.
                    eventTypes?.append("")
                    issues.append(FieldIssue(field: "eventTypes[\(index)]", message: "must be a string"))
                }
            }
        default: issues.append(FieldIssue(field: "eventTypes", message: "must be an array of event types"))
        }
        // Every problem at once: the shape's, then the values' of the fields whose shape was right.
        let misshapen = Set(issues.map(\.field))
        issues += store.problems(url: url, eventTypes: eventTypes).filter { issue in
            !misshapen.contains(issue.field) && !(misshapen.contains("eventTypes") && issue.field.hasPrefix("eventTypes"))
        }
        if !issues.isEmpty { throw Problem.validation(issues) }
        let created = try await store.create(customerId: customerId, url: url, eventTypes: eventTypes, audit: context.audit)
        var response = EditedResponse(status: .created, response: created)
        response.headers[.location] = "/v1/webhooks/\(created.endpoint.id.uuidString.lowercased())"
        return response
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<WebhookEndpoint> {
        let customerId = try Self.customer(context.principal, for: .read)
        return try Page(slicing: try await store.list(customerId: customerId), page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> WebhookEndpoint {
        let customerId = try Self.customer(context.principal, for: .read)
        return try await store.endpoint(id: try Self.id(context, "id", "Webhook endpoint"), customerId: customerId)
    }

    func delete(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let customerId = try Self.customer(context.principal, for: .manage)
        try await store.delete(id: try Self.id(context, "id", "Webhook endpoint"), customerId: customerId, audit: context.audit)
        return .noContent
    }

    func rotate(_ request: Request, context: AuthenticatedContext) async throws -> RotatedWebhookSecret {
        let customerId = try Self.customer(context.principal, for: .manage)
        return try await store.rotateSecret(id: try Self.id(context, "id", "Webhook endpoint"), customerId: customerId, audit: context.audit)
    }

    func deliveries(_ request: Request, context: AuthenticatedContext) async throws -> Page<WebhookDelivery> {
        let customerId = try Self.customer(context.principal, for: .read)
        return try await store.deliveries(endpointId: try Self.id(context, "id", "Webhook endpoint"), customerId: customerId, page: PageRequest(request))
    }

    func replay(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<WebhookDelivery> {
        let customerId = try Self.customer(context.principal, for: .manage)
        let delivery = try await store.replay(
            endpointId: try Self.id(context, "id", "Webhook endpoint"), deliveryId: try Self.id(context, "deliveryId", "Delivery"), customerId: customerId,
            audit: context.audit
        )
        return EditedResponse(status: .accepted, response: delivery)
    }

    /// A path id (400 when it is not a UUID).
    static func id(_ context: AuthenticatedContext, _ name: String, _ what: String) throws -> UUID {
        try context.parameters.require(name, as: UUID.self)
    }
}

extension WebhookEndpoint: ResponseEncodable {}
extension CreatedWebhookEndpoint: ResponseEncodable {}
extension RotatedWebhookSecret: ResponseEncodable {}
extension WebhookDelivery: ResponseEncodable {}
