import Foundation
import LIMSCore
import PostgresNIO

extension SignInThrottle {
    /// How long an unlocked count is remembered after its first failure; older counts start again from zero.
    public static let forgetAfter: Duration = .seconds(24 * 3600)

    /// Deletes the rows that no longer hold anyone back: no lock running, and counting began more than
    /// `forgetAfter` ago (also each address window and email lock has long ended by then). Without it every unknown
    /// email ever tried would stay in the table. Safe from several instances at once; returns how many went.
    public func purgeStale() async throws -> Int {
        let seconds = Double(DurationText.seconds(Self.forgetAfter))
        let rows = try await database.client.query(
            """
            WITH purged AS (
                DELETE FROM sign_in_throttles
                WHERE (locked_until IS NULL OR locked_until <= now()) AND window_started_at < now() - make_interval(secs => \(seconds))
                RETURNING 1
            )
            SELECT count(*)::int FROM purged
            """,
            logger: database.logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
