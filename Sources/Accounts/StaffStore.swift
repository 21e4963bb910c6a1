import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// A staff user as the API shows it (never with its password hash).
public struct StaffUser: Codable, Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var name: String
    public var roles: [Role]
    public var active: Bool
    public var createdAt: Date
}

/// Staff users: creation, look-up, listing, unlock and deactivation. Owns `staff_users`.
public struct StaffStore: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let policy: PasswordPolicy

    public init(database: Database, hasher: PasswordHasher, policy: PasswordPolicy) {
        self.database = database
        self.hasher = hasher
        self.policy = policy
    }

    public struct NewUser: Sendable {
        public var email: String
        public var name: String
        /// Role names as received; validated here so every bad one is named.
        public var roles: [String]?
        public var password: String

        public init(email: String, name: String, roles: [String]?, password: String) {
            self.email = email
            self.name = name
            self.roles = roles
            self.password = password
        }
    }

    /// Validates and creates a user; 409 when the email is taken (case-insensitively).
    public func create(_ user: NewUser, audit: AuditContext) async throws -> StaffUser {
        var validator = Validator()
        let email = validator.requireText(user.email, "email", maxLength: 254).lowercased()
        if !email.isEmpty, !Self.looksLikeEmail(email) { validator.add("email", "must be an email address") }
        let name = validator.requireText(user.name, "name", maxLength: 200)
        var parsedRoles: [Role] = []
        if let roles = user.roles {
            validator.check(!roles.isEmpty, "roles", "must name at least one role")
            for (index, raw) in roles.enumerated() {
                if let role = validator.requireEnum(raw, "roles[\(index)]", as: Role.self) { parsedRoles.append(role) }
            }
        } else {
            validator.add("roles", "is required")
        }
        validator.add(contentsOf: policy.issues(user.password, email: email, field: "password"))
        try validator.finish()

        let hash = try await hasher.hash(user.password)
        let roles = Array(Set(parsedRoles)).sorted().map(\.rawValue)
        do {
            return try await database.transaction { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO staff_users (email, name, roles, password_hash) VALUES (\(email), \(name), \(roles), \(hash))
                    RETURNING id, email, name, roles, active, created_at
                    """,
                    logger: database.logger
                )
                guard let created = try await Self.decode(rows).first else { throw Problem.notFound("User") }
                try await AuditLog.record(
                    on: connection, audit, action: "user.created", entity: "staff_user", entityId: created.id.uuidString,
                    after: created, logger: database.logger
                )
                return created
            }
        } catch let error as PSQLError where error.isUniqueViolation("staff_users_email") {
            throw Problem.conflict("A user with the email \(email) already exists.")
        }
    }

    public func list(page: PageRequest) async throws -> Page<StaffUser> {
        let after = try page.cursorValue() ?? 0
        let rows = try await database.client.query(
            """
            SELECT id, email, name, roles, active, created_at, seq FROM staff_users
            WHERE seq > \(after) AND customer_id IS NULL ORDER BY seq LIMIT \(page.limit + 1)
            """,
            logger: database.logger
        )
        var users: [(StaffUser, Int64)] = []
        for try await (id, email, name, roles, active, createdAt, seq) in rows.decode((UUID, String, String, [String], Bool, Date, Int64).self) {
            users.append((StaffUser(id: id, email: email, name: name, roles: try Self.roles(roles), active: active, createdAt: createdAt), seq))
        }
        return Page(fetched: users, limit: page.limit) { $0.1 }.map { $0.0 }
    }

    public func find(id: UUID, on connection: PostgresConnection) async throws -> StaffUser? {
        let rows = try await connection.query(
            "SELECT id, email, name, roles, active, created_at FROM staff_users WHERE id = \(id) AND customer_id IS NULL", logger: database.logger
        )
        return try await Self.decode(rows).first
    }

    public func find(email: String) async throws -> StaffUser? {
        let rows = try await database.client.query(
            "SELECT id, email, name, roles, active, created_at FROM staff_users WHERE lower(email) = lower(\(email)) AND customer_id IS NULL", logger: database.logger
        )
        return try await Self.decode(rows).first
    }

    public func find(id: UUID) async throws -> StaffUser? {
        try await database.connection { try await find(id: id, on: $0) }
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [StaffUser] {
        var users: [StaffUser] = []
        for try await (id, email, name, roles, active, createdAt) in rows.decode((UUID, String, String, [String], Bool, Date).self) {
            users.append(StaffUser(id: id, email: email, name: name, roles: try Self.roles(roles), active: active, createdAt: createdAt))
        }
        return users
    }

    /// The roles stored in `staff_users.roles`, strictly: an unknown role is a server fault, never dropped.
    static func roles(_ stored: [String]) throws -> [Role] {
        try StoredValue.decode(Role.self, stored, table: "staff_users", column: "roles")
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let plain = !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && plain
    }
}
