import Foundation
import Logging
import PostgresNIO

/// Human-readable numbers that increase within a calendar year (UTC): `ORD-2026-000001`.
///
/// Two kinds, chosen by what the number must promise:
/// - `sequential`: unique and increasing, from a per-year PostgreSQL sequence. Fast under concurrency;
///   a rolled-back transaction may leave a hole. For orders, items, certificates.
/// - `gapless`: 1, 2, 3… with no hole, from a counter row locked until the issuing transaction ends.
///   Serialises issuers on purpose. For invoices and credit notes, whose numbering auditors check.
public enum Numbering {
    public static func sequential(_ prefix: String, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query("SELECT year, value FROM next_sequential_number(\(prefix))", logger: logger)
        for try await (year, value) in rows.decode((Int, Int64).self) {
            return format(prefix, year: year, value: value)
        }
        throw Problem(status: .internalServerError, detail: "No number was issued.")
    }

    public static func gapless(_ prefix: String, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query(
            """
            INSERT INTO gapless_counters (prefix, year, last_value)
            VALUES (\(prefix), extract(year FROM now() AT TIME ZONE 'UTC')::int, 1)
            ON CONFLICT (prefix, year) DO UPDATE SET last_value = gapless_counters.last_value + 1
            RETURNING year, last_value
            """,
            logger: logger
        )
        for try await (year, value) in rows.decode((Int, Int64).self) {
            return format(prefix, year: year, value: value)
        }
        throw Problem(status: .internalServerError, detail: "No number was issued.")
    }

    /// SQL that formats the `year` and `value` columns of `next_sequential_number` as ``format(_:year:value:)`` does, for a
    /// statement that numbers and inserts a row in one round trip. `prefix` and the column names are code constants, never input.
    public static func sequentialSQL(_ prefix: String, year: String, value: String) -> String {
        "'\(prefix)-' || \(year) || '-' || lpad(\(value)::text, greatest(6, length(\(value)::text)), '0')"
    }

    public static func format(_ prefix: String, year: Int, value: Int64) -> String {
        let digits = String(value)
        return "\(prefix)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }
}
