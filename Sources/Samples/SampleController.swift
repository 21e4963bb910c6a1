import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore

/// Sample tracking: receipt, moves, holds, rejection and return by receptionists and admins; reading by staff and the owning customer;
/// printable labels for staff.
public struct SampleController: Sendable {
    let samples: SampleStore

    public init(samples: SampleStore) {
        self.samples = samples
    }

    struct ReceiveRequest: Decodable {
        var condition: String?
        var notes: String?
        var location: String?
    }

    struct MoveRequest: Decodable {
        var location: String?
    }

    struct ReasonRequest: Decodable {
        var reason: String?
    }

    struct ReturnRequest: Decodable {
        var method: String?
        var trackingNumber: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("items", use: find)
        group.get("items/{id}", use: show)
        group.get("items/{id}/custody", use: custody)
        group.get("items/{id}/label", use: label)
        group.post("items/{id}/receive", use: receive)
        group.post("items/{id}/move", use: move)
        group.post("items/{id}/hold", use: hold)
        group.post("items/{id}/resume", use: resume)
        group.post("items/{id}/reject", use: reject)
        group.post("items/{id}/return", use: returnToOwner)
    }

    func receive(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        _ = try Self.requireCustodian(context)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: ReceiveRequest.self, context: context)
        var validator = Validator()
        let condition = validator.requireEnum(input.condition, "condition", as: ItemCondition.self)
        let location = validator.requireText(input.location, "location", maxLength: 200)
        let notes = Self.optionalText(input.notes, "notes", maxLength: 2000, into: &validator)
        try validator.finish()
        guard let condition else { throw Problem.validation(validator.issues) }
        return try await samples.receive(itemId: id, condition: condition, notes: notes, location: location, audit: context.audit)
    }

    func move(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        _ = try Self.requireCustodian(context)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: MoveRequest.self, context: context)
        var validator = Validator()
        let location = validator.requireText(input.location, "location", maxLength: 200)
        try validator.finish()
        return try await samples.move(itemId: id, to: location, audit: context.audit)
    }

    func hold(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        _ = try Self.requireCustodian(context)
        let id = try context.parameters.require("id", as: UUID.self)
        let reason = try await Self.requireReason(request, context: context)
        return try await samples.hold(itemId: id, reason: reason, audit: context.audit)
    }

    func resume(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        _ = try Self.requireCustodian(context)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decodeIfPresent(as: ReasonRequest.self, context: context)
        var validator = Validator()
        let reason = Self.optionalText(input?.reason, "reason", maxLength: 2000, into: &validator)
        try validator.finish()
        return try await samples.resume(itemId: id, reason: reason, audit: context.audit)
    }

    func reject(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        _ = try Self.requireCustodian(context)
        let id = try context.parameters.require("id", as: UUID.self)
        let reason = try await Self.requireReason(request, context: context)
        return try await samples.reject(itemId: id, reason: reason, audit: context.audit)
    }

    func returnToOwner(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        _ = try Self.requireCustodian(context)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: ReturnRequest.self, context: context)
        var validator = Validator()
        let method = validator.requireText(input.method, "method", maxLength: 100)
        let tracking = Self.optionalText(input.trackingNumber, "trackingNumber", maxLength: 100, into: &validator)
        try validator.finish()
        return try await samples.returnToOwner(itemId: id, method: method, trackingNumber: tracking, audit: context.audit)
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> SampleItem {
        try await samples.item(id: try context.parameters.require("id", as: UUID.self), scope: context.principal.customerScope)
    }

    func custody(_ request: Request, context: AuthenticatedContext) async throws -> Page<CustodyEvent> {
        let id = try context.parameters.require("id", as: UUID.self)
        return try await samples.custody(itemId: id, scope: context.principal.customerScope, page: PageRequest(request))
    }

    /// `GET /v1/items?serialNumber=&number=&limit=&cursor=`: the items matching the filters given (every item the caller
    /// may see when none is), in order of submission, paged like every list.
    func find(_ request: Request, context: AuthenticatedContext) async throws -> Page<SampleItem> {
        let query = request.query
        let serialNumber = query["serialNumber"].flatMap { $0.isEmpty ? nil : $0 }
        let number = query["number"].flatMap { $0.isEmpty ? nil : $0 }
        return try await samples.find(serialNumber: serialNumber, number: number, scope: context.principal.customerScope, page: PageRequest(request))
    }

    /// The printable label. A customer asking for another customer's item gets 404, like every other read; for its
    /// own item, 403: labels are printed by the lab.
    func label(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id", as: UUID.self)
        if let scope = context.principal.customerScope { _ = try await samples.item(id: id, scope: scope) }
        _ = try context.principal.requireStaff()
        let html = try await samples.label(itemId: id)
        return DocumentFormat.document(html, contentType: "text/html; charset=utf-8")
    }

    /// Custody of an instrument (receipt, moves, holds, resumption, rejection, return) is the reception's: only a
    /// receptionist or an admin may change it; any other role gets 403.
    static func requireCustodian(_ context: AuthenticatedContext) throws -> StaffPrincipal {
        try context.principal.requireStaff(anyOf: ReceiptAccess.custody)
    }

    static func requireReason(_ request: Request, context: AuthenticatedContext) async throws -> String {
        let input = try await request.decodeIfPresent(as: ReasonRequest.self, context: context)
        var validator = Validator()
        let reason = validator.requireText(input?.reason, "reason", maxLength: 2000)
        try validator.finish()
        return reason
    }

    /// Trimmed text, `nil` when absent or blank; an issue when longer than `maxLength`.
    static func optionalText(_ value: String?, _ field: String, maxLength: Int, into validator: inout Validator) -> String? {
        guard let trimmed = value?.trimmed(), !trimmed.isEmpty else { return nil }
        validator.check(trimmed.count <= maxLength, field, "must be at most \(maxLength) characters")
        return trimmed
    }
}

extension SampleItem: ResponseEncodable {}
extension CustodyEvent: ResponseEncodable {}
