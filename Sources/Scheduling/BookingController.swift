import Foundation
import Hummingbird
import LIMSCore

/// Equipment bookings (staff): `POST/GET /v1/equipment/{id}/bookings`, `DELETE /v1/bookings/{id}`.
public struct BookingController: Sendable {
    let bookings: BookingStore

    public init(bookings: BookingStore) {
        self.bookings = bookings
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("equipment/{id}/bookings", use: create)
        group.get("equipment/{id}/bookings", use: list)
        group.delete("bookings/{id}", use: cancel)
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Booking> {
        _ = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: BookingStore.NewBooking.self, context: context)
        return EditedResponse(status: .created, response: try await bookings.create(equipmentId: id, input, audit: context.audit))
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Booking> {
        _ = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        let query = request.query
        var validator = Validator()
        func timestamp(_ name: String) -> Date? {
            guard let raw = query[name], !raw.isEmpty else { return nil }
            guard let date = DateFormats.parseTimestamp(raw) else {
                validator.add(name, "must be an RFC 3339 timestamp")
                return nil
            }
            return date
        }
        let from = timestamp("from")
        let to = timestamp("to")
        // [from, to) with to = from is an empty window: it overlaps nothing, so the answer is an empty page.
        if let from, let to, to < from { validator.add("to", "must not be before from") }
        try validator.finish()
        return try await bookings.list(equipmentId: id, from: from, to: to, page: PageRequest(request))
    }

    func cancel(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let staff = try context.principal.requireStaff()
        try await bookings.cancel(id: try context.parameters.require("id", as: UUID.self), by: staff, audit: context.audit)
        return .noContent
    }
}
