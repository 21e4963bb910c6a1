import Crypto
import Hummingbird
import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// `Idempotency-Key` for customer POSTs, guarded by the database rather than process memory.
///
/// The first request inserts `(customer, key)` in the same transaction as the work it does, and stores
/// its response before committing. A concurrent twin blocks on the primary key until that commits, then
/// finds the stored response and replays it; if the first rolled back, the twin does the work itself.
/// Keys are kept at least 24 hours (they are never deleted by the application).
public struct Idempotency: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Outcome: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var replayed: Bool
    }

    /// SHA-256, in hex, of the method, the path and the raw body bytes.
    ///
    /// The bytes as sent, never a parsed tree: hashing costs the same whatever the body holds (a deeply nested
    /// document cannot make it slow), and a retry is the same request only when it sends the same bytes.
    public static func fingerprint(method: String, path: String, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(method) \(path)\n".utf8))
        hasher.update(data: body)
        return hex(hasher.finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Runs `work` once per `(customer, key)`; `work` returns the status and JSON body to store and send.
    public func run(
        customerId: UUID, key: String, fingerprint: String,
        work: (PostgresConnection) async throws -> (status: Int, body: [UInt8])
    ) async throws -> Outcome {
        try await run(customerId: customerId, key: key, fingerprint: fingerprint) { connection in
            let (status, body) = try await work(connection)
            return (status, body, nil)
        }
    }

    /// Runs `work` once per `(customer, key)`; `work` returns the status and JSON body to store and send, and the audit
    /// event of its change, which is recorded in the statement that stores the response.
    public func run(
        customerId: UUID, key: String, fingerprint: String,
        work: (PostgresConnection) async throws -> (status: Int, body: [UInt8], audit: AuditEntry?)
    ) async throws -> Outcome {
        guard !key.isEmpty, key.count <= 255 else { throw Problem.invalid("Idempotency-Key", "must be 1 to 255 characters") }
        return try await database.transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO idempotency_keys (customer_id, key, request_hash) VALUES (\(customerId), \(key), \(fingerprint))
                ON CONFLICT (customer_id, key) DO NOTHING RETURNING 1
                """,
                logger: database.logger
            )
            var isFirst = false
            for try await _ in inserted { isFirst = true }
            if isFirst {
                let (status, body, audit) = try await work(connection)
                if let audit {
                    // The event first, then the stored response: one statement. The key's row exists (inserted above, in
                    // this transaction), so the join runs the function exactly once; the count says it did.
                    let rows = try await connection.query(
                        """
                        WITH audited AS (
                            SELECT record_audit_event(\(audit.context.actor.kind), \(audit.context.actor.id), \(audit.context.actor.name), \(audit.action),
                                                      \(audit.entity), \(audit.entityId), \(audit.beforeJSON), \(audit.afterJSON), \(audit.context.requestId))
                        )
                        UPDATE idempotency_keys SET status_code = \(status), response_body = \(ByteBuffer(bytes: body))
                        FROM audited WHERE customer_id = \(customerId) AND key = \(key)
                        RETURNING 1
                        """,
                        logger: database.logger
                    )
                    var updated = 0
                    for try await _ in rows { updated += 1 }
                    guard updated == 1 else { throw IdempotencyError.keyRowMissing }
                } else {
                    try await connection.query(
                        "UPDATE idempotency_keys SET status_code = \(status), response_body = \(ByteBuffer(bytes: body)) WHERE customer_id = \(customerId) AND key = \(key)",
                        logger: database.logger
                    )
                }
                return Outcome(status: status, body: body, replayed: false)
            }
            let stored = try await connection.query(
                "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE customer_id = \(customerId) AND key = \(key)",
                logger: database.logger
            )
            for try await (hash, status, body) in stored.decode((String, Int?, ByteBuffer?).self) {
                guard hash == fingerprint else {
                    throw Problem.invalid("Idempotency-Key", "was already used with a different request body")
                }
                guard let status, let body else { throw Problem.conflict("The first request with this Idempotency-Key is still in progress.") }
                return Outcome(status: status, body: Array(buffer: body), replayed: true)
            }
            throw Problem.conflict("The first request with this Idempotency-Key is still in progress.")
        }
    }
}

/// The row inserted at the start of an idempotent request was not there to store its response: a bug, never a client's
/// fault (the transaction rolls back, nothing is written).
enum IdempotencyError: Error {
    case keyRowMissing
}
