import Foundation
import Hummingbird
import LIMSCore

/// `GET /v1/audit?entity=&entityId=&action=` (admin): every state change, oldest first, cursor-paged.
struct AuditController: Sendable {
    let database: Database

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("audit", use: list)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<AuditEvent> {
        _ = try context.principal.requireStaff(.admin)
        let query = request.query
        return try await AuditLog.list(
            client: database.client,
            entity: query["entity"],
            entityId: query["entityId"],
            action: query["action"],
            page: PageRequest(request),
            logger: context.logger
        )
    }
}

/// `GET /v1/events?after=`: a customer's own event feed, oldest first. `after` (or `cursor`) is the
/// `nextCursor` of the previous page.
struct EventsController: Sendable {
    let database: Database

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("events", use: list)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<CustomerEvent> {
        let customer = try context.principal.requireCustomer()
        var parameters = request.query
        if let after = parameters["after"], parameters["cursor"] == nil { parameters["cursor"] = after }
        return try await CustomerEventLog.list(
            client: database.client, customerId: customer.customerId, page: PageRequest(query: parameters), logger: context.logger
        )
    }
}

extension AuditEvent: ResponseEncodable {}
extension CustomerEvent: ResponseEncodable {}
