import Foundation
import LIMSCore
import PostgresNIO

extension CustomerStore {
    /// The number of customers (the console's admin overview).
    public func count() async throws -> Int {
        let rows = try await database.client.query("SELECT count(*)::int FROM customers", logger: database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
