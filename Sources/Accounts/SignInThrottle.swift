import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// Sign-in throttling, counted in the database so every server instance shares it. Owns `sign_in_throttles`.
///
/// Every password check first reserves an attempt with one atomic statement, for the source address and then
/// for the normalised email (known or not): an attempt past either limit is refused before any bcrypt runs, so
/// concurrent attempts never get more than the allowed tries. A lock always ends; the next attempt after it
/// starts the count again. A success gives the address reservation back and clears the email's count.
public struct SignInThrottle: Sendable {
    /// Limits and durations; injectable so tests can use short locks.
    public struct Settings: Sendable, Equatable {
        /// Failed attempts for one email that lock it, and for how long.
        public var maxFailuresPerEmail: Int
        public var emailLockout: Duration
        /// Failed attempts from one source address within `addressWindow` that refuse it until the window's lock ends.
        public var maxFailuresPerAddress: Int
        public var addressWindow: Duration

        public init(
            maxFailuresPerEmail: Int = 5, emailLockout: Duration = .seconds(15 * 60),
            maxFailuresPerAddress: Int = 30, addressWindow: Duration = .seconds(15 * 60)
        ) {
            self.maxFailuresPerEmail = maxFailuresPerEmail
            self.emailLockout = emailLockout
            self.maxFailuresPerAddress = maxFailuresPerAddress
            self.addressWindow = addressWindow
        }
    }

    /// What a reservation decided.
    public enum Decision: Sendable, Equatable {
        /// The attempt may check the password. `attempt` is its number in the email's count; `locksEmail` and
        /// `locksAddress` say whether this attempt reached a limit (should it fail, that scope is now locked).
        case proceed(attempt: Int, locksEmail: Bool, locksAddress: Bool)
        /// Refused without a password check: the email or the address is locked for `retryAfter` more seconds.
        case refused(scope: Scope, retryAfter: Int)
    }

    public enum Scope: String, Sendable {
        case email, address
    }

    let database: Database
    public let settings: Settings

    public init(database: Database, settings: Settings = Settings()) {
        self.database = database
        self.settings = settings
    }

    /// The form an email is throttled (and audited) under: trimmed and lower-cased.
    public static func normalise(email: String) -> String {
        email.trimmed().lowercased()
    }

    /// Reserves one attempt for `address`, then (if allowed) for `email`. Call before checking the password.
    public func reserve(email: String, address: String) async throws -> Decision {
        let byAddress = try await reserve(
            .address, subject: address, limit: settings.maxFailuresPerAddress, lockout: settings.addressWindow, window: settings.addressWindow
        )
        if byAddress.attempts > settings.maxFailuresPerAddress { return .refused(scope: .address, retryAfter: byAddress.retryAfter) }
        let byEmail = try await reserve(.email, subject: email, limit: settings.maxFailuresPerEmail, lockout: settings.emailLockout, window: nil)
        if byEmail.attempts > settings.maxFailuresPerEmail { return .refused(scope: .email, retryAfter: byEmail.retryAfter) }
        return .proceed(
            attempt: byEmail.attempts, locksEmail: byEmail.attempts == settings.maxFailuresPerEmail,
            locksAddress: byAddress.attempts == settings.maxFailuresPerAddress
        )
    }

    /// After a successful password check: the email's count starts again, and the address gets its reservation back
    /// (which lifts a lock only this very reservation had set; attempts refused meanwhile keep it).
    public func succeeded(email: String, address: String) async throws {
        try await database.client.query(
            """
            WITH cleared AS (DELETE FROM sign_in_throttles WHERE scope = 'email' AND subject = \(email))
            UPDATE sign_in_throttles
            SET attempts = greatest(attempts - 1, 0),
                locked_until = CASE WHEN attempts - 1 < \(settings.maxFailuresPerAddress) THEN NULL ELSE locked_until END
            WHERE scope = 'address' AND subject = \(address)
            """,
            logger: database.logger
        )
    }

    /// Clears the email's count and lock inside the caller's transaction; says whether it was locked and its count.
    @discardableResult
    public static func clear(email: String, on connection: PostgresConnection, logger: Logger) async throws -> (wasLocked: Bool, attempts: Int) {
        let rows = try await connection.query(
            """
            DELETE FROM sign_in_throttles WHERE scope = 'email' AND subject = \(email)
            RETURNING coalesce(locked_until > now(), false), attempts
            """,
            logger: logger
        )
        for try await (locked, attempts) in rows.decode((Bool, Int).self) { return (locked, attempts) }
        return (false, 0)
    }

    /// One atomic reservation: the row lock serialises concurrent attempts on one subject, and each sees the
    /// count the previous one left. An ended lock (or, with a window, an ended window) restarts the count at 1;
    /// the attempt that reaches `limit` sets the lock; attempts during a lock are counted but refused.
    func reserve(_ scope: Scope, subject: String, limit: Int, lockout: Duration, window: Duration?) async throws -> (attempts: Int, retryAfter: Int) {
        let lockSeconds = Int(lockout.components.seconds)
        let windowSeconds = window.map { Int($0.components.seconds) }
        let rows = try await database.client.query(
            """
            INSERT INTO sign_in_throttles AS t (scope, subject, attempts, window_started_at, locked_until)
            VALUES (\(scope.rawValue), \(subject), 1, now(),
                    CASE WHEN 1 >= \(limit) THEN now() + make_interval(secs => \(lockSeconds)) END)
            ON CONFLICT (scope, subject) DO UPDATE SET
                attempts = CASE WHEN t.locked_until <= now()
                                  OR (t.locked_until IS NULL AND t.window_started_at + make_interval(secs => \(windowSeconds)) <= now())
                                THEN 1 ELSE t.attempts + 1 END,
                window_started_at = CASE WHEN t.locked_until <= now()
                                  OR (t.locked_until IS NULL AND t.window_started_at + make_interval(secs => \(windowSeconds)) <= now())
                                THEN now() ELSE t.window_started_at END,
                locked_until = CASE WHEN t.locked_until <= now()
                                  OR (t.locked_until IS NULL AND t.window_started_at + make_interval(secs => \(windowSeconds)) <= now())
                                THEN CASE WHEN 1 >= \(limit) THEN now() + make_interval(secs => \(lockSeconds)) END
                                WHEN t.locked_until IS NOT NULL THEN t.locked_until
                                WHEN t.attempts + 1 >= \(limit) THEN now() + make_interval(secs => \(lockSeconds))
                                END
            RETURNING attempts, greatest(ceil(extract(epoch FROM locked_until - now())), 1)::int
            """,
            logger: database.logger
        )
        for try await (attempts, lockedFor) in rows.decode((Int, Int?).self) { return (attempts, lockedFor ?? 1) }
        return (Int.max, 1)
    }
}
