import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore
import PostgresNIO

/// Orders: submission and cancellation by customers (idempotent), contract review by staff, reading by both.
public struct OrderController: Sendable {
    let orders: OrderStore
    let idempotency: Idempotency
    let database: Database

    public init(orders: OrderStore, idempotency: Idempotency, database: Database) {
        self.orders = orders
        self.idempotency = idempotency
        self.database = database
    }

    struct RejectRequest: Decodable {
        var reason: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("orders", use: submit)
        group.get("orders", use: list)
        group.get("orders/{id}", use: show)
        group.post("orders/{id}/cancel", use: cancel)
        group.post("orders/{id}/accept", use: accept)
        group.post("orders/{id}/reject", use: reject)
        group.post("instruments/reorder", use: reorder)
    }

    func submit(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let customer = try context.principal.requireCustomer()
        var request = request
        let body = Array(buffer: try await request.collectBody(upTo: context.maxUploadSize))
        let submission = try await request.decode(as: OrderSubmission.self, context: context)
        return try await idempotent(request, body: body, customerId: customer.customerId, context: context) { connection in
            let submitted = try await orders.submitLeavingAudit(submission, customerId: customer.customerId, on: connection, audit: context.audit)
            return (201, submitted.json.bytes, submitted.audit)
        }
    }

    /// Re-order from the instrument register (customer): an order as `POST /v1/orders` makes it, idempotent the same way.
    func reorder(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let customer = try context.principal.requireCustomer()
        var request = request
        let body = Array(buffer: try await request.collectBody(upTo: context.maxUploadSize))
        let input = try await request.decode(as: ReorderRequest.self, context: context)
        return try await idempotent(request, body: body, customerId: customer.customerId, context: context) { connection in
            let placed = try await orders.reorder(input, customerId: customer.customerId, on: connection, audit: context.audit)
            return (201, placed.json.bytes, nil)
        }
    }

    func cancel(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let customer = try context.principal.requireCustomer()
        let id = try context.parameters.require("id", as: UUID.self)
        var request = request
        let body = Array(buffer: try await request.collectBody(upTo: context.maxUploadSize))
        return try await idempotent(request, body: body, customerId: customer.customerId, context: context) { connection in
            let order = try await orders.cancel(id: id, customerId: customer.customerId, on: connection, audit: context.audit)
            return (200, EncodedJSON(writing: order).bytes, nil)
        }
    }

    /// Runs `work` in a transaction, once per `Idempotency-Key` when the customer sent one. An audit entry `work` leaves
    /// is recorded in that transaction (with the stored response when there is a key).
    func idempotent(
        _ request: Request, body: [UInt8], customerId: UUID, context: AuthenticatedContext,
        work: @escaping (PostgresConnection) async throws -> (status: Int, body: [UInt8], audit: AuditEntry?)
    ) async throws -> Response {
        let outcome: Idempotency.Outcome
        if let key = request.headers[.idempotencyKey] {
            let fingerprint = Idempotency.fingerprint(method: request.method.rawValue, path: request.uri.path, body: body)
            outcome = try await idempotency.run(customerId: customerId, key: key, fingerprint: fingerprint, work: work)
        } else {
            let (status, body) = try await database.transaction { connection in
                let (status, body, audit) = try await work(connection)
                if let audit { try await AuditLog.record(audit, on: connection, logger: database.logger) }
                return (status, body)
            }
            outcome = Idempotency.Outcome(status: status, body: body, replayed: false)
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        if outcome.replayed { headers[.idempotentReplayed] = "true" }
        return Response(status: .init(code: outcome.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: outcome.body)))
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Order> {
        if case .staff = context.principal { _ = try context.principal.requireStaff() }
        let query = request.query
        var validator = Validator()
        let status = query["status"].flatMap { validator.requireEnum($0, "status", as: OrderStatus.self) }
        var customerId: UUID?
        if let raw = query["customerId"] {
            customerId = UUID(uuidString: raw)
            validator.check(customerId != nil, "customerId", "must be a UUID")
        }
        try validator.finish()
        return try await orders.list(scope: context.principal.customerScope, status: status, customerId: customerId, page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> Order {
        try await orders.order(id: try context.parameters.require("id", as: UUID.self), scope: context.principal.customerScope)
    }

    func accept(_ request: Request, context: AuthenticatedContext) async throws -> Order {
        _ = try context.principal.requireStaff(anyOf: OrderAccess.contractReview)
        return try await orders.accept(id: try context.parameters.require("id", as: UUID.self), audit: context.audit)
    }

    func reject(_ request: Request, context: AuthenticatedContext) async throws -> Order {
        _ = try context.principal.requireStaff(anyOf: OrderAccess.contractReview)
        let input = try await request.decode(as: RejectRequest.self, context: context)
        var validator = Validator()
        let reason = validator.requireText(input.reason, "reason", maxLength: 2000)
        try validator.finish()
        return try await orders.reject(id: try context.parameters.require("id", as: UUID.self), reason: reason, audit: context.audit)
    }
}

/// An order answers with the JSON it writes itself (``JSONWritable``), the same JSON as the audit log keeps.
extension Order: ResponseGenerator {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: EncodedJSON(writing: self).bytes))
        )
    }
}
