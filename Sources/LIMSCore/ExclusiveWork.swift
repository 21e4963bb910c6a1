import Logging
import PostgresNIO

extension Database {
    /// Runs `body` in one transaction if no other instance is running the work named by `lockKey` right now
    /// (a transaction-scoped advisory lock, released at commit); returns `nil` when another instance holds it.
    /// Background sweeps run in every instance and use this so that only one of them works at a time.
    public func exclusively<Result: Sendable>(
        lockKey: Int64, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result? {
        try await transaction { connection in
            let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(lockKey))", logger: logger)
            var acquired = false
            for try await value in rows.decode(Bool.self) { acquired = value }
            guard acquired else { return nil }
            return try await body(connection)
        }
    }
}
