import Foundation
import Instruments
import LIMSCore
import PostgresNIO

/// The body of `POST /v1/instruments/reorder`: the customer's registered instruments to send in again, each for the
/// service of its last certificate.
public struct ReorderRequest: Decodable, Sendable {
    public var instrumentIds: [String]?
    public var priority: String?
    public var customerReference: String?

    public init(instrumentIds: [String]?, priority: String? = nil, customerReference: String? = nil) {
        self.instrumentIds = instrumentIds
        self.priority = priority
        self.customerReference = customerReference
    }
}

extension OrderStore {
    /// Places an order for the customer's registered instruments, one item per instrument with the service of its last
    /// certificate, as `POST /v1/orders` would (same validation, pricing, numbering, audit), on the caller's connection.
    /// An id that is not one of the customer's instruments (unknown or another customer's: the two look the same), or an
    /// instrument never serviced, is a 422 naming it (`instrumentIds[2]`).
    public func reorder(
        _ request: ReorderRequest, customerId: UUID, on connection: PostgresConnection, audit: AuditContext
    ) async throws -> (order: Order, json: EncodedJSON) {
        var validator = Validator()
        var ids: [(index: Int, id: UUID)] = []
        if let raw = request.instrumentIds {
            if raw.isEmpty { validator.add("instrumentIds", "must list at least one instrument") }
            if raw.count > OrderSubmission.maximumItems { validator.add("instrumentIds", "must list at most \(OrderSubmission.maximumItems) instruments") }
            var seen: Set<UUID> = []
            for (index, text) in raw.enumerated() {
                guard let id = UUID(uuidString: text) else {
                    validator.add("instrumentIds[\(index)]", "must be a UUID")
                    continue
                }
                if !seen.insert(id).inserted { validator.add("instrumentIds[\(index)]", "is listed twice") }
                ids.append((index, id))
            }
        } else {
            validator.add("instrumentIds", "is required")
        }
        if let reference = request.customerReference {
            validator.requireText(reference, "customerReference", maxLength: 100)
        }
        if let priority = request.priority { _ = validator.requireEnum(priority, "priority", as: Priority.self) }
        try validator.finish()

        let registered = try await instruments.instruments(ids: ids.map(\.id), on: connection)
        var items: [OrderSubmission.ItemInput] = []
        for (index, id) in ids {
            guard let instrument = registered[id], instrument.customerId == customerId else {
                validator.add("instrumentIds[\(index)]", "is not one of your registered instruments")
                continue
            }
            guard let serviceCode = instrument.lastServiceCode else {
                validator.add("instrumentIds[\(index)]", "has never been serviced: there is no last service to order again")
                continue
            }
            items.append(OrderSubmission.ItemInput(
                serviceCode: serviceCode,
                instrument: .init(
                    manufacturer: instrument.manufacturer, model: instrument.model, serialNumber: instrument.serialNumber,
                    assetTag: instrument.assetTag, description: instrument.description
                ),
                notes: nil
            ))
        }
        try validator.finish()
        let submission = OrderSubmission(
            customerReference: request.customerReference ?? "Re-order \(InstrumentStore.today())", priority: request.priority ?? Priority.standard.rawValue,
            returnAddress: nil, items: items
        )
        do {
            return try await submitEncoded(submission, customerId: customerId, on: connection, audit: audit)
        } catch var problem as Problem where problem.status == .unprocessableContent {
            // The submission names its items (`items[1].serviceCode`: a service withdrawn from the catalogue); the caller
            // sent instrument ids.
            problem.errors = problem.errors.map { issue in
                guard issue.field.hasPrefix("items["), let end = issue.field.firstIndex(of: "]"),
                      let item = Int(issue.field[issue.field.index(issue.field.startIndex, offsetBy: 6)..<end]), item < ids.count
                else { return issue }
                return FieldIssue(field: "instrumentIds[\(ids[item].index)]", message: "its last service \(items[item].serviceCode ?? ""): \(issue.message)")
            }
            throw problem
        }
    }
}
