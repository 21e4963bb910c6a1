import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// What the staff console's admin pages show beside the API's answers: how many people there are, and whether a
/// person's sign-in is locked by the throttle.
extension StaffStore {
    /// The number of staff users, and how many of them are active.
    public func counts() async throws -> (total: Int, active: Int) {
        let rows = try await database.client.query(
            "SELECT count(*)::int, (count(*) FILTER (WHERE active))::int FROM staff_users WHERE customer_id IS NULL", logger: database.logger
        )
        for try await (total, active) in rows.decode((Int, Int).self) { return (total, active) }
        return (0, 0)
    }

    /// The sign-in throttle's state for a user's email: failed attempts counted, and the end of a lock still running.
    public func signInLock(email: String) async throws -> (attempts: Int, lockedUntil: Date?) {
        let rows = try await database.client.query(
            """
            SELECT attempts, CASE WHEN locked_until > now() THEN locked_until END FROM sign_in_throttles
            WHERE scope = 'email' AND subject = \(SignInThrottle.normalise(email: email))
            """,
            logger: database.logger
        )
        for try await (attempts, until) in rows.decode((Int, Date?).self) { return (attempts, until) }
        return (0, nil)
    }
}
