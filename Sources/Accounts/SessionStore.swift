import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// Staff sign-in: password check with per-account throttling, opaque session tokens, sign-out.
/// Owns `staff_sessions` and the throttling columns of `staff_users`.
public struct SessionStore: Sendable {
    let database: Database
    let hasher: PasswordHasher
    /// How long a session lasts.
    public let sessionLifetime: Duration
    /// Consecutive failures that lock an account, and for how long.
    public let maxFailedLogins = 5
    public let lockout: Duration = .seconds(15 * 60)

    public init(database: Database, hasher: PasswordHasher, sessionLifetime: Duration = .seconds(12 * 3600)) {
        self.database = database
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
    }

    public struct Session: Sendable {
        public var token: String
        public var expiresAt: Date
        public var user: StaffPrincipal
    }

    /// Checks the password and opens a session. Wrong credentials are 401 whichever part was wrong;
    /// an account locked after repeated failures is 429 with `Retry-After`.
    public func login(email: String, password: String, requestId: String) async throws -> Session {
        let logger = database.logger
        let rows = try await database.client.query(
            """
            SELECT id, email, name, roles, password_hash, active,
                   ceil(extract(epoch FROM locked_until - now()))::int
            FROM staff_users WHERE lower(email) = lower(\(email))
            """,
            logger: logger
        )
        var found: (UUID, String, String, [String], String, Bool, Int?)?
        for try await row in rows.decode((UUID, String, String, [String], String, Bool, Int?).self) { found = row }

        guard let (id, storedEmail, name, roles, hash, active, lockedFor) = found else {
            _ = try await hasher.verify(password, hash: PasswordHasher.decoyHash)
            throw Problem.unauthorized("The email or password is wrong.")
        }
        if let lockedFor, lockedFor > 0 {
            throw Problem(
                status: .tooManyRequests,
                detail: "Too many failed sign-ins for this account; try again in \(lockedFor) seconds.",
                headers: [.retryAfter: String(lockedFor)]
            )
        }
        guard try await hasher.verify(password, hash: hash), active else {
            try await recordFailure(userId: id, requestId: requestId)
            throw Problem.unauthorized("The email or password is wrong.")
        }

        let principal = StaffPrincipal(id: id, email: storedEmail, name: name, roles: Set(try StaffStore.roles(roles)))
        let token = SecretToken.generate(prefix: SecretToken.sessionPrefix)
        let lifetime = Int(sessionLifetime.components.seconds)
        let expiresAt = try await database.transaction { connection in
            try await connection.query(
                "UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = \(id)", logger: logger
            )
            let rows = try await connection.query(
                """
                INSERT INTO staff_sessions (token_hash, user_id, expires_at)
                VALUES (\(SecretToken.hash(token)), \(id), now() + make_interval(secs => \(lifetime)))
                RETURNING expires_at
                """,
                logger: logger
            )
            var expiresAt = Date()
            for try await value in rows.decode(Date.self) { expiresAt = value }
            try await AuditLog.record(
                on: connection, AuditContext(actor: Principal.staff(principal).actor, requestId: requestId), action: "session.opened",
                entity: "staff_user", entityId: id.uuidString, logger: logger
            )
            return expiresAt
        }
        return Session(token: token, expiresAt: expiresAt, user: principal)
    }

    /// Counts a failure; the fifth in a row locks the account.
    func recordFailure(userId: UUID, requestId: String) async throws {
        let lockSeconds = Int(lockout.components.seconds)
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE staff_users SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= \(maxFailedLogins)
                                        THEN now() + make_interval(secs => \(lockSeconds)) END
                WHERE id = \(userId) RETURNING failed_logins, locked_until IS NOT NULL
                """,
                logger: database.logger
            )
            for try await (count, locked) in rows.decode((Int, Bool).self) {
                try await AuditLog.record(
                    on: connection, AuditContext(actor: .system, requestId: requestId),
                    action: locked ? "login.locked" : "login.failed", entity: "staff_user", entityId: userId.uuidString,
                    after: ["failedLogins": count], logger: database.logger
                )
            }
        }
    }

    /// Ends the session the token belongs to.
    public func logout(token: String, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "DELETE FROM staff_sessions WHERE token_hash = \(SecretToken.hash(token)) RETURNING user_id", logger: database.logger
            )
            for try await userId in rows.decode(UUID.self) {
                try await AuditLog.record(
                    on: connection, audit, action: "session.closed", entity: "staff_user", entityId: userId.uuidString,
                    logger: database.logger
                )
            }
        }
    }

    /// The active staff user behind an unexpired session token, if any.
    public func principal(forToken token: String) async throws -> StaffPrincipal? {
        let rows = try await database.client.query(
            """
            SELECT u.id, u.email, u.name, u.roles FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
            WHERE s.token_hash = \(SecretToken.hash(token)) AND s.expires_at > now() AND u.active
            """,
            logger: database.logger
        )
        for try await (id, email, name, roles) in rows.decode((UUID, String, String, [String]).self) {
            return StaffPrincipal(id: id, email: email, name: name, roles: Set(try StaffStore.roles(roles)))
        }
        return nil
    }
}
