import Crypto
import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// One numbered plain-SQL file of `Migrations/`.
public struct Migration: Sendable, Equatable {
    public var name: String
    public var sql: String
    public var checksum: String
}

public enum MigrationError: Error, CustomStringConvertible {
    case edited(name: String)
    case badFileName(String)

    public var description: String {
        switch self {
        case .edited(let name): "Migration \(name) was edited after it was applied; restore it and add a new migration instead."
        case .badFileName(let name): "Migration file \(name) must be named NNNN_description.sql."
        }
    }
}

/// Applies the missing migrations in order, each in its own transaction, under an advisory lock
/// so two instances starting at once never apply a file twice.
public struct Migrator: Sendable {
    public let directory: URL
    /// The advisory lock key every Calibra migrator takes ("CALIBRA" in ASCII).
    static let lockKey: Int64 = 0x43_41_4C_49_42_52_41

    public init(directory: URL) {
        self.directory = directory
    }

    /// Reads `NNNN_name.sql` files in name order.
    public func migrations() throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            guard name.count > 5, name.prefix(4).allSatisfy(\.isNumber), name.dropFirst(4).first == "_" else {
                throw MigrationError.badFileName(name)
            }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            return Migration(name: name, sql: String(decoding: data, as: UTF8.self), checksum: checksum)
        }
    }

    /// Applies what is missing and returns the names applied. Refuses (throws) when an applied file was edited.
    @discardableResult
    public func migrate(client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in try await migrate(connection: connection, logger: logger) }
    }

    /// Applies what is missing over a connection of its own to `url` (the owner's), closed afterwards.
    @discardableResult
    public func migrate(url: DatabaseURL, logger: Logger) async throws -> [String] {
        let connection = try await url.connect(logger: logger)
        do {
            let applied = try await migrate(connection: connection, logger: logger)
            try await connection.close()
            return applied
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Applies what is missing on one connection (each file in its own transaction).
    @discardableResult
    public func migrate(connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let files = try migrations()
        try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
        do {
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """,
                    logger: logger
                )
                let applied = try await appliedNames(connection: connection, files: files, logger: logger)
                var newlyApplied: [String] = []
                for migration in files where !applied.contains(migration.name) {
                    logger.info("applying migration", metadata: ["migration": .string(migration.name)])
                    try await connection.withTransaction(logger: logger) { connection in
                        try await connection.query(PostgresQuery(unsafeSQL: Self.wrap(migration.sql)), logger: logger)
                        try await connection.query(
                            "INSERT INTO schema_migrations (name, checksum) VALUES (\(migration.name), \(migration.checksum))",
                            logger: logger
                        )
                    }
                    newlyApplied.append(migration.name)
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return newlyApplied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                if let error = error as? PostgresTransactionError { throw error.underlying }
                throw error
        }
    }

    /// The files not yet applied; throws when an applied file was edited. Used by `/ready`, as the runtime role,
    /// which may read `schema_migrations` but not create it.
    public func pending(connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let files = try migrations()
        let applied = try await appliedNames(connection: connection, files: files, logger: logger)
        return files.map(\.name).filter { !applied.contains($0) }
    }

    func appliedNames(connection: PostgresConnection, files: [Migration], logger: Logger) async throws -> Set<String> {
        let table = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var exists = false
        for try await found in table.decode(Bool.self) { exists = found }
        guard exists else { return [] }
        let rows = try await connection.query("SELECT name, checksum FROM schema_migrations", logger: logger)
        let byName = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.checksum) })
        var applied: Set<String> = []
        for try await (name, checksum) in rows.decode((String, String).self) {
            if let current = byName[name], current != checksum { throw MigrationError.edited(name: name) }
            applied.insert(name)
        }
        return applied
    }

    /// PostgresNIO speaks only the extended protocol, which takes one statement per query; PL/pgSQL's
    /// EXECUTE runs a whole file of statements, so each file goes through one `DO` block.
    static func wrap(_ sql: String) -> String {
        "DO $calibra_do$ BEGIN EXECUTE $calibra_migration$\(sql)$calibra_migration$; END $calibra_do$"
    }
}
