import Foundation
import LIMSCore
import Orders
import PostgresNIO

extension SampleStore {
    /// Every item of an order as sample tracking shows it (lab number, location, condition), in line order, over one
    /// connection; `nil` when there is no such order or `scope` (a customer; `nil` for staff) may not see it.
    public func items(orderId: UUID, scope: UUID?) async throws -> [SampleItem]? {
        try await database.connection { connection in
            guard let order = try await orders.order(id: orderId, on: connection), scope == nil || order.customerId == scope else { return nil }
            var items: [SampleItem] = []
            for item in order.items {
                items.append(Self.view(item, order: order, receipt: try await receipt(itemId: item.id, on: connection)))
            }
            return items
        }
    }
}
