import Crypto
import Foundation
import LIMSCore
import PostgresNIO

/// Sessions of people signed in to the web pages, carried by a cookie: apart from the API's bearer sessions, ended in
/// the database at sign-out, after an idle period and at an absolute lifetime. Owns `web_sessions`.
public struct WebSessionStore: Sendable {
    let database: Database
    let sessions: SessionStore
    /// How long a session may go without a request.
    public let idleTimeout: Duration
    /// How long a session lasts at most, however busy.
    public let lifetime: Duration

    public init(database: Database, sessions: SessionStore, idleTimeout: Duration = .seconds(30 * 60), lifetime: Duration = .seconds(12 * 3600)) {
        self.database = database
        self.sessions = sessions
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
    }

    /// The cookie's secret prefix: never accepted as a bearer token by the API.
    public static let tokenPrefix = "cws_"

    /// A session just opened: the secret goes into the cookie and is stored only as its hash.
    public struct Opened: Sendable {
        public var token: String
        public var user: Principal
    }

    /// Checks the password like every sign-in (throttled, one bcrypt at the real cost) and opens a web session if the
    /// area `admits` the person (staff in the console, a customer's people in the portal); 403 otherwise, with no session.
    public func signIn(
        email: String, password: String, sourceAddress: String, requestId: String, admits: (Principal) -> Bool = { _ in true }
    ) async throws -> Opened {
        let principal = try await sessions.checkCredentials(email: email, password: password, sourceAddress: sourceAddress, requestId: requestId)
        guard admits(principal), let person = principal.person else { throw Problem.forbidden("These pages are not for this account.") }
        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        let idle = Int(idleTimeout.components.seconds)
        let life = Int(lifetime.components.seconds)
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO web_sessions (token_hash, user_id, idle_seconds, expires_at)
                VALUES (\(SecretToken.hash(token)), \(person.id), \(idle), now() + make_interval(secs => \(life)))
                """,
                logger: database.logger
            )
            try await AuditLog.record(
                on: connection, AuditContext(actor: principal.actor, requestId: requestId), action: "session.opened",
                entity: SessionStore.entity(principal), entityId: person.id.uuidString, after: ["channel": JSONValue.string("web")], logger: database.logger
            )
        }
        return Opened(token: token, user: principal)
    }

    /// The active person behind a live session, marking it used now (which restarts its idle period); `nil` for an
    /// unknown, idle, expired or ended session, or a deactivated user.
    public func principal(forToken token: String) async throws -> Principal? {
        guard token.hasPrefix(Self.tokenPrefix), token.count <= 200 else { return nil }
        let rows = try await database.client.query(
            """
            UPDATE web_sessions s SET last_seen_at = now()
            FROM staff_users u
            WHERE s.token_hash = \(SecretToken.hash(token)) AND u.id = s.user_id AND u.active AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(secs => s.idle_seconds)
            RETURNING u.id, u.email, u.name, u.roles, u.customer_id, u.customer_role
            """,
            logger: database.logger
        )
        for try await (id, email, name, roles, customerId, customerRole) in rows.decode((UUID, String, String, [String], UUID?, String?).self) {
            return try SessionStore.person(id: id, email: email, name: name, roles: roles, customerId: customerId, customerRole: customerRole)
        }
        return nil
    }

    /// Ends the session at once (sign-out) and audits it; an unknown token ends nothing.
    public func signOut(token: String, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "DELETE FROM web_sessions WHERE token_hash = \(SecretToken.hash(token)) RETURNING user_id", logger: database.logger
            )
            for try await userId in rows.decode(UUID.self) {
                try await AuditLog.record(
                    on: connection, audit, action: "session.closed", entity: "staff_user", entityId: userId.uuidString,
                    after: ["channel": JSONValue.string("web")], logger: database.logger
                )
            }
        }
    }

    /// Deletes sessions past their lifetime or idle period (they already admit nobody); safe from several instances.
    public func purgeEnded() async throws -> Int {
        let rows = try await database.client.query(
            """
            WITH purged AS (
                DELETE FROM web_sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => idle_seconds) RETURNING 1
            )
            SELECT count(*)::int FROM purged
            """,
            logger: database.logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// The form token that proves a POST came from a page this session was shown: derived from the session's secret
    /// (HMAC-SHA256), so it is bound to the session, needs no storage, and dies with it.
    public static func formToken(forSecret secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("calibra-form-token".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `token` is the form token of `secret`, compared in constant time.
    public static func formTokenMatches(_ token: String, secret: String) -> Bool {
        let expected = Array(formToken(forSecret: secret).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
