import Foundation
import LIMSCore
import PostgresNIO

extension OrderStore {
    /// The order numbered `number` (`ORD-2026-000042`) with its items, as `scope` may see it (`nil` for staff);
    /// `nil` when there is none, or it is another customer's. For the receipt desk, where people scan order numbers.
    public func order(number: String, scope: UUID?) async throws -> Order? {
        try await database.connection { connection in
            let rows = try await connection.query("SELECT id FROM orders WHERE number = \(number)", logger: database.logger)
            var id: UUID?
            for try await found in rows.decode(UUID.self) { id = found }
            guard let id, let order = try await order(id: id, on: connection), scope == nil || order.customerId == scope else { return nil }
            return order
        }
    }
}
