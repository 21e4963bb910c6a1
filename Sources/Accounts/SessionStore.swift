import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// Staff sign-in: throttled password check, opaque session tokens, sign-out, password change.
/// Owns `staff_sessions`; throttling is ``SignInThrottle``'s.
public struct SessionStore: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let policy: PasswordPolicy
    /// The shared sign-in throttle (per email and per source address).
    public let throttle: SignInThrottle
    /// How long a session lasts.
    public let sessionLifetime: Duration

    public init(
        database: Database, hasher: PasswordHasher, policy: PasswordPolicy, throttle: SignInThrottle.Settings = .init(),
        sessionLifetime: Duration = .seconds(12 * 3600)
    ) {
        self.database = database
        self.hasher = hasher
        self.policy = policy
        self.throttle = SignInThrottle(database: database, settings: throttle)
        self.sessionLifetime = sessionLifetime
    }

    public struct Session: Sendable {
        public var token: String
        public var expiresAt: Date
        public var user: StaffPrincipal
    }

    /// Checks the password and opens a session. Wrong password, unknown email and inactive account are the same
    /// 401; a locked email or source address is 429 with `Retry-After`. Every path reserves its attempt first and
    /// then runs exactly one bcrypt check at the real cost (against the decoy hash for an unknown email, and also
    /// for a locked email), so wrong, unknown and locked cannot be told apart by timing. Only a refused source
    /// address skips bcrypt: that decision is taken before the email is looked at, so it reveals nothing about it,
    /// and a flood from one address then costs no bcrypt time.
    public func login(email: String, password: String, sourceAddress: String, requestId: String) async throws -> Session {
        let principal = try await checkCredentials(email: email, password: password, sourceAddress: sourceAddress, requestId: requestId)
        return try await open(for: principal, requestId: requestId)
    }

    /// The throttled password check behind every sign-in (API and web pages): the staff user on success; 401 for a
    /// wrong password, unknown email or inactive account; 429 with `Retry-After` while the email or address is locked.
    public func checkCredentials(email: String, password: String, sourceAddress: String, requestId: String) async throws -> StaffPrincipal {
        let email = SignInThrottle.normalise(email: email)
        let decision = try await throttle.reserve(email: email, address: sourceAddress)
        let account = try await account(email: email)
        let attempt = SignInAttempt(email: email, userId: account?.principal.id, sourceAddress: sourceAddress, requestId: requestId)
        if case .refused(.address, _) = decision { try await refuse(attempt, decision: decision) }
        let matches = try await hasher.verify(password, hashOrDecoy: account?.passwordHash)

        guard case .proceed(let number, let locksEmail, let locksAddress) = decision else {
            try await refuse(attempt, decision: decision)
        }
        guard matches, let account, account.active else {
            let reason = account == nil ? "unknown_email" : account?.active == false ? "inactive" : "wrong_password"
            try await recordFailure(attempt, reason: reason, number: number, locksEmail: locksEmail, locksAddress: locksAddress)
            throw Problem.unauthorized("The email or password is wrong.")
        }
        try await throttle.succeeded(email: email, address: sourceAddress)
        return account.principal
    }

    /// A staff account as sign-in needs it.
    struct Account {
        var principal: StaffPrincipal
        var passwordHash: String
        var active: Bool
    }

    func account(email: String) async throws -> Account? {
        let rows = try await database.client.query(
            "SELECT id, email, name, roles, password_hash, active FROM staff_users WHERE lower(email) = \(email)", logger: database.logger
        )
        for try await (id, email, name, roles, hash, active) in rows.decode((UUID, String, String, [String], String, Bool).self) {
            let principal = StaffPrincipal(id: id, email: email, name: name, roles: Set(try StaffStore.roles(roles)))
            return Account(principal: principal, passwordHash: hash, active: active)
        }
        return nil
    }

    /// Opens a session for a user whose password was just checked, and audits it.
    func open(for principal: StaffPrincipal, requestId: String) async throws -> Session {
        let token = SecretToken.generate(prefix: SecretToken.sessionPrefix)
        let lifetime = Int(sessionLifetime.components.seconds)
        let expiresAt = try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO staff_sessions (token_hash, user_id, expires_at)
                VALUES (\(SecretToken.hash(token)), \(principal.id), now() + make_interval(secs => \(lifetime)))
                RETURNING expires_at
                """,
                logger: database.logger
            )
            var expiresAt = Date()
            for try await value in rows.decode(Date.self) { expiresAt = value }
            try await AuditLog.record(
                on: connection, AuditContext(actor: Principal.staff(principal).actor, requestId: requestId), action: "session.opened",
                entity: "staff_user", entityId: principal.id.uuidString, logger: database.logger
            )
            return expiresAt
        }
        return Session(token: token, expiresAt: expiresAt, user: principal)
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

    /// Deletes every session past its expiry (they already authenticate nobody) and returns how many went.
    /// Safe to run from several instances at once.
    public func purgeExpiredSessions() async throws -> Int {
        let rows = try await database.client.query(
            "WITH purged AS (DELETE FROM staff_sessions WHERE expires_at <= now() RETURNING 1) SELECT count(*)::int FROM purged",
            logger: database.logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Ends every session of `userId`, API and web alike (except the one whose token hash is `keeping`), inside the
    /// caller's transaction.
    static func endSessions(of userId: UUID, keeping token: String? = nil, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let keep = token.map(SecretToken.hash)
        let rows = try await connection.query(
            """
            WITH api AS (
                DELETE FROM staff_sessions WHERE user_id = \(userId) AND (\(keep)::bytea IS NULL OR token_hash <> \(keep)) RETURNING 1
            ), web AS (
                DELETE FROM web_sessions WHERE user_id = \(userId) AND (\(keep)::bytea IS NULL OR token_hash <> \(keep)) RETURNING 1
            )
            SELECT ((SELECT count(*) FROM api) + (SELECT count(*) FROM web))::int
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
