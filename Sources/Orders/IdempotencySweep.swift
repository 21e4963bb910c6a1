import Foundation
import LIMSCore
import PostgresNIO

extension Idempotency {
    /// The contract promises a stored response for at least 24 hours; shorter retentions are refused.
    public static let minimumRetention: Duration = .seconds(24 * 3600)

    /// Advisory lock naming the idempotency sweep, so several instances never sweep at once.
    static let sweepLockKey: Int64 = 0x4C_49_4D_53_49_44_4B // "LIMSIDK"

    /// Deletes idempotency records older than `retention` (never less than 24 hours), in batches so no
    /// transaction holds many row locks; returns how many it removed, or 0 when another instance is sweeping.
    public func sweep(olderThan retention: Duration, batchSize: Int = 5_000) async throws -> Int {
        let seconds = DurationText.seconds(max(retention, Self.minimumRetention))
        var removed = 0
        while true {
            let batch = try await database.exclusively(lockKey: Self.sweepLockKey) { connection in
                let rows = try await connection.query(
                    """
                    WITH old AS (
                        SELECT customer_id, key FROM idempotency_keys
                        WHERE created_at < now() - make_interval(secs => \(Double(seconds)))
                        LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                    ), deleted AS (
                        DELETE FROM idempotency_keys k USING old WHERE k.customer_id = old.customer_id AND k.key = old.key RETURNING 1
                    )
                    SELECT count(*)::int FROM deleted
                    """,
                    logger: database.logger
                )
                for try await count in rows.decode(Int.self) { return count }
                return 0
            }
            guard let batch else { return removed }
            removed += batch
            if batch < batchSize { return removed }
        }
    }
}
