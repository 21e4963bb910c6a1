import Crypto
import Hummingbird
import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// `Idempotency-Key` for customer POSTs, guarded by the database rather than process memory.
///
/// The first request inserts `(customer, key)` with its response at the end of the transaction that does its work.
/// A concurrent twin blocks on the primary key until that commits, then rolls its own work back and replays the
/// stored response; if the first rolled back, the twin's claim succeeds and its work stands.
/// Keys are kept for the retention the sweeper is given (at least 24 hours, as the contract promises).
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
    /// event of its change.
    ///
    /// The key is claimed at the end of the transaction, in the one statement that also stores the response and records
    /// the audit event: a first request costs no round trip for the key. A twin running at the same moment does the work
    /// too, then blocks on the key's primary key until the first commits, finds it taken and rolls its own work back; a
    /// retry after the first committed does the same. Either then replays the stored response (or is 422 when it sent a
    /// different body). A retry whose work now fails (a second cancellation of the same order) replays as well: the key
    /// is looked up whenever the work throws.
    public func run(
        customerId: UUID, key: String, fingerprint: String,
        work: (PostgresConnection) async throws -> (status: Int, body: [UInt8], audit: AuditEntry?)
    ) async throws -> Outcome {
        guard !key.isEmpty, key.count <= 255 else { throw Problem.invalid("Idempotency-Key", "must be 1 to 255 characters") }
        do {
            return try await database.transaction { connection in
                let (status, body, audit) = try await work(connection)
                guard try await claim(customerId: customerId, key: key, fingerprint: fingerprint, status: status, body: body, audit: audit, on: connection)
                else { throw KeyTaken() }
                return Outcome(status: status, body: body, replayed: false)
            }
        } catch let failure {
            // The key was used before (by an earlier request, or a twin that committed first): its response is the answer,
            // whatever the work said this time. Nothing of this attempt was written (the transaction rolled back).
            let stored: Outcome?
            do {
                stored = try await self.stored(customerId: customerId, key: key, fingerprint: fingerprint)
            } catch let problem as Problem {
                throw problem
            } catch let lookup {
                // The lookup failed too (the database is away): the work's own error says more, unless there is none.
                throw failure is KeyTaken ? lookup : failure
            }
            if let stored { return stored }
            if failure is KeyTaken { throw Problem.conflict("The first request with this Idempotency-Key is still in progress.") }
            throw failure
        }
    }

    /// Claims the key with the response and records the audit event, in one statement. False when the key is taken.
    private func claim(
        customerId: UUID, key: String, fingerprint: String, status: Int, body: [UInt8], audit: AuditEntry?, on connection: PostgresConnection
    ) async throws -> Bool {
        guard let audit else {
            let rows = try await connection.query(
                """
                INSERT INTO idempotency_keys (customer_id, key, request_hash, status_code, response_body)
                VALUES (\(customerId), \(key), \(fingerprint), \(status), \(ByteBuffer(bytes: body)))
                ON CONFLICT (customer_id, key) DO NOTHING RETURNING 1
                """,
                logger: database.logger
            )
            for try await _ in rows { return true }
            return false
        }
        // The event is recorded once per row the insert returns: once when the key was free, never when it was taken.
        let rows = try await connection.query(
            """
            WITH claimed AS (
                INSERT INTO idempotency_keys (customer_id, key, request_hash, status_code, response_body)
                VALUES (\(customerId), \(key), \(fingerprint), \(status), \(ByteBuffer(bytes: body)))
                ON CONFLICT (customer_id, key) DO NOTHING RETURNING 1
            ), audited AS (
                SELECT record_audit_event(\(audit.context.actor.kind), \(audit.context.actor.id), \(audit.context.actor.name), \(audit.action),
                                          \(audit.entity), \(audit.entityId), \(audit.beforeJSON), \(audit.afterJSON), \(audit.context.requestId))
                FROM claimed
            )
            SELECT (SELECT count(*) FROM claimed)::int, (SELECT count(*) FROM audited)::int
            """,
            logger: database.logger
        )
        for try await (claimed, audited) in rows.decode((Int, Int).self) {
            guard claimed == audited else { throw IdempotencyError.auditNotRecorded }
            return claimed == 1
        }
        throw IdempotencyError.auditNotRecorded
    }

    /// The response stored under the key, nil when the key was never used; 422 when it was used with another request.
    private func stored(customerId: UUID, key: String, fingerprint: String) async throws -> Outcome? {
        let rows = try await database.client.query(
            "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE customer_id = \(customerId) AND key = \(key)",
            logger: database.logger
        )
        for try await (hash, status, body) in rows.decode((String, Int?, ByteBuffer?).self) {
            guard hash == fingerprint else {
                throw Problem.invalid("Idempotency-Key", "was already used with a different request body")
            }
            // A row without a response was claimed the old way (before its work) by an instance still running it.
            guard let status, let body else { throw Problem.conflict("The first request with this Idempotency-Key is still in progress.") }
            return Outcome(status: status, body: Array(buffer: body), replayed: true)
        }
        return nil
    }

    /// The key was taken when this request came to claim it; its work is rolled back.
    private struct KeyTaken: Error {}
}

/// The key was claimed but its audit event was not recorded with it: a bug, never a client's fault (the transaction
/// rolls back, nothing is written).
enum IdempotencyError: Error {
    case auditNotRecorded
}
