import Foundation
import Logging
import PostgresNIO

/// The database handle every module's store is given: the shared client, and a transaction helper
/// that hands back the caller's own error (PostgresNIO wraps it in `PostgresTransactionError`).
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs `body` in one transaction: everything it writes commits together or not at all.
    public func transaction<Result: Sendable>(
        file: String = #file,
        line: Int = #line,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger, file: file, line: line) { connection in
                try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            throw error.underlying
        }
    }

    /// Runs read-only work on one pooled connection.
    public func connection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in try await body(connection) }
    }
}

extension PostgresTransactionError {
    /// The error that made the transaction fail, whichever step it came from.
    public var underlying: any Error {
        closureError ?? commitError ?? beginError ?? rollbackError ?? self
    }
}

extension PSQLError {
    /// The SQLSTATE of a server error (`23505` unique violation, `23P01` exclusion violation…).
    public var sqlState: String? { serverInfo?[.sqlState] }
    public var constraintName: String? { serverInfo?[.constraintName] }

    /// Whether this is a unique violation of `constraint`.
    public func isUniqueViolation(_ constraint: String) -> Bool {
        sqlState == "23505" && constraintName == constraint
    }
}
