import Foundation
import Hummingbird
import LIMSCore

/// The instrument register: `GET /v1/instruments`, `GET` and `PATCH /v1/instruments/{id}` (a customer its own, staff any),
/// and `GET /v1/reports/compliance`. Re-ordering (`POST /v1/instruments/reorder`) places an order, so Orders serves it.
public struct InstrumentController: Sendable {
    let instruments: InstrumentStore

    public init(instruments: InstrumentStore) {
        self.instruments = instruments
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("instruments", use: list)
        group.get("instruments/{id}", use: show)
        group.patch("instruments/{id}", use: update)
        group.get("reports/compliance", use: compliance)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> InstrumentListResponse {
        let query = request.query
        var validator = Validator()
        let status = query["status"].flatMap { validator.requireEnum($0, "status", as: InstrumentStatus.self) }
        var mandatory: Bool?
        if let raw = query["mandatory"] {
            mandatory = ["true": true, "false": false][raw]
            validator.check(mandatory != nil, "mandatory", "must be true or false")
        }
        let serialNumber = query["serialNumber"].flatMap { $0.isEmpty ? nil : $0 }
        if let serialNumber { validator.check(serialNumber.count <= 100, "serialNumber", "must be at most 100 characters") }
        let customerId = Self.customerId(query, into: &validator)
        try validator.finish()
        let filter = InstrumentFilter(
            customerId: context.principal.customerScope ?? customerId, status: status, mandatory: mandatory, serialNumber: serialNumber
        )
        return InstrumentListResponse(try await instruments.list(filter, page: try PageRequest(request)))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> RegisteredInstrument {
        try await instruments.find(id: try context.parameters.require("id", as: UUID.self), scope: context.principal.customerScope)
    }

    func update(_ request: Request, context: AuthenticatedContext) async throws -> RegisteredInstrument {
        let id = try context.parameters.require("id", as: UUID.self)
        let change = try await request.decode(as: InstrumentChange.self, context: context)
        return try await instruments.update(id: id, scope: context.principal.customerScope, change, audit: context.audit)
    }

    /// Staff for any customer or all of them; a customer for itself only (its scope wins over `customerId`).
    func compliance(_ request: Request, context: AuthenticatedContext) async throws -> ComplianceReport {
        let query = request.query
        var validator = Validator()
        let customerId = Self.customerId(query, into: &validator)
        let to = Self.day(query["to"], "to", into: &validator) ?? InstrumentStore.today()
        let from = Self.day(query["from"], "from", into: &validator) ?? Calendar.day(to, plus: -364)
        if validator.issues.isEmpty, from > to { validator.add("from", "must not be after to") }
        try validator.finish()
        return try await instruments.compliance(customerId: context.principal.customerScope ?? customerId, from: from, to: to)
    }

    static func customerId(_ query: [String: String], into validator: inout Validator) -> UUID? {
        guard let raw = query["customerId"] else { return nil }
        let id = UUID(uuidString: raw)
        validator.check(id != nil, "customerId", "must be a UUID")
        return id
    }

    static func day(_ raw: String?, _ field: String, into validator: inout Validator) -> String? {
        guard let raw else { return nil }
        guard DateFormats.parseDay(raw) != nil else {
            validator.add(field, "must be a date (YYYY-MM-DD)")
            return nil
        }
        return raw
    }
}

extension RegisteredInstrument: ResponseEncodable {}
extension ComplianceReport: ResponseEncodable {}
