import Foundation
import LIMSCore
import Logging
import PostgresNIO

extension OrderStore {
    /// Locks an order's row until the caller's transaction ends, so that downstream modules serialise work on one
    /// order (billing issues one invoice per order) without writing SQL against Orders' table. 404 when unknown.
    public static func lockOrder(id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT 1 FROM orders WHERE id = \(id) FOR UPDATE", logger: logger)
        for try await _ in rows { return }
        throw Problem.notFound("Order")
    }
}
