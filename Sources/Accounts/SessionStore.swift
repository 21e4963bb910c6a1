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
        /// The person: a member of staff, or a person at a customer.
        public var user: Principal
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
    /// The person is a member of staff or a person at a customer; each area decides whom it admits.
    public func checkCredentials(email: String, password: String, sourceAddress: String, requestId: String) async throws -> Principal {
        let email = SignInThrottle.normalise(email: email)
        let decision = try await throttle.reserve(email: email, address: sourceAddress)
        let account = try await account(email: email)
        let attempt = SignInAttempt(email: email, userId: account?.principal.person?.id, sourceAddress: sourceAddress, requestId: requestId)
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

    /// An account as sign-in needs it.
    struct Account {
        var principal: Principal
        var passwordHash: String
        var active: Bool
    }

    func account(email: String) async throws -> Account? {
        let rows = try await database.client.query(
            """
            SELECT id, email, name, roles, customer_id, customer_role, password_hash, active FROM staff_users WHERE lower(email) = \(email)
            """,
            logger: database.logger
        )
        for try await (id, email, name, roles, customerId, customerRole, hash, active) in rows.decode(
            (UUID, String, String, [String], UUID?, String?, String, Bool).self
        ) {
            let principal = try Self.person(id: id, email: email, name: name, roles: roles, customerId: customerId, customerRole: customerRole)
            return Account(principal: principal, passwordHash: hash, active: active)
        }
        return nil
    }

    /// A person as stored: staff roles, or a customer and a customer role (strictly decoded; an unknown value is a fault).
    static func person(id: UUID, email: String, name: String, roles: [String], customerId: UUID?, customerRole: String?) throws -> Principal {
        guard let customerId else {
            return .staff(StaffPrincipal(id: id, email: email, name: name, roles: Set(try StaffStore.roles(roles))))
        }
        let role = try StoredValue.decode(CustomerRole.self, customerRole ?? "", table: "staff_users", column: "customer_role")
        return .customer(CustomerPrincipal(customerId: customerId, user: CustomerUser(id: id, email: email, name: name, role: role)))
    }

    /// How the audit log names a person's account.
    static func entity(_ principal: Principal) -> String {
        if case .customer = principal { return "customer_user" }
        return "staff_user"
    }

    /// Opens a session for a user whose password was just checked, and audits it.
    func open(for principal: Principal, requestId: String) async throws -> Session {
        guard let person = principal.person else { throw Problem.unauthorized() }
        let token = SecretToken.generate(prefix: SecretToken.sessionPrefix)
        let lifetime = Int(sessionLifetime.components.seconds)
        let expiresAt = try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO staff_sessions (token_hash, user_id, expires_at)
                VALUES (\(SecretToken.hash(token)), \(person.id), now() + make_interval(secs => \(lifetime)))
                RETURNING expires_at
                """,
                logger: database.logger
            )
            var expiresAt = Date()
            for try await value in rows.decode(Date.self) { expiresAt = value }
            try await AuditLog.record(
                on: connection, AuditContext(actor: principal.actor, requestId: requestId), action: "session.opened",
                entity: Self.entity(principal), entityId: person.id.uuidString, logger: database.logger
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

    /// The active person (staff or a customer's) behind an unexpired session token, if any.
    public func principal(forToken token: String) async throws -> Principal? {
        let rows = try await database.client.query(
            """
            SELECT u.id, u.email, u.name, u.roles, u.customer_id, u.customer_role FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
            WHERE s.token_hash = \(SecretToken.hash(token)) AND s.expires_at > now() AND u.active
            """,
            logger: database.logger
        )
        for try await (id, email, name, roles, customerId, customerRole) in rows.decode((UUID, String, String, [String], UUID?, String?).self) {
            return try Self.person(id: id, email: email, name: name, roles: roles, customerId: customerId, customerRole: customerRole)
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
