import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// A person at a customer as the API shows them (never with a password hash).
public struct CustomerUserRecord: Codable, Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: CustomerRole
    public var customerId: UUID
    public var createdAt: Date
}

/// The people of each customer: made by a lab admin or the customer's own `customer_admin`, removed the same way.
/// They share `staff_users` (one email namespace, password policy, throttle and session mechanism) with a customer
/// and a customer role instead of staff roles.
public struct CustomerUserStore: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let policy: PasswordPolicy

    public init(database: Database, hasher: PasswordHasher, policy: PasswordPolicy) {
        self.database = database
        self.hasher = hasher
        self.policy = policy
    }

    public struct NewPerson: Decodable, Sendable {
        public var email: String?
        public var name: String?
        public var role: String?
        public var password: String?

        public init(email: String?, name: String?, role: String?, password: String?) {
            self.email = email
            self.name = name
            self.role = role
            self.password = password
        }
    }

    /// Validates and creates a person of `customerId` (naming every bad field); 404 for an unknown customer; 409 when
    /// the email is taken by anyone, staff included.
    public func create(_ person: NewPerson, customerId: UUID, audit: AuditContext) async throws -> CustomerUserRecord {
        var validator = Validator()
        let email = validator.requireText(person.email, "email", maxLength: 254).lowercased()
        if !email.isEmpty, !StaffStore.looksLikeEmail(email) { validator.add("email", "must be an email address") }
        let name = validator.requireText(person.name, "name", maxLength: 200)
        let role = validator.requireEnum(person.role, "role", as: CustomerRole.self)
        validator.add(contentsOf: policy.issues(person.password, email: email, field: "password"))
        try validator.finish()
        guard let role else { throw Problem.validation([.init(field: "role", message: "is required")]) }

        let hash = try await hasher.hash(person.password ?? "")
        do {
            return try await database.transaction { connection in
                let exists = try await connection.query("SELECT 1 FROM customers WHERE id = \(customerId)", logger: database.logger)
                var found = false
                for try await _ in exists { found = true }
                guard found else { throw Problem.notFound("Customer") }
                let rows = try await connection.query(
                    """
                    INSERT INTO staff_users (email, name, roles, password_hash, customer_id, customer_role)
                    VALUES (\(email), \(name), '{}', \(hash), \(customerId), \(role.rawValue))
                    RETURNING id, email, name, customer_role, customer_id, created_at
                    """,
                    logger: database.logger
                )
                guard let created = try await Self.decode(rows).first else { throw Problem.notFound("Customer") }
                try await AuditLog.record(
                    on: connection, audit, action: "customer_user.created", entity: "customer_user", entityId: created.id.uuidString,
                    after: created, logger: database.logger
                )
                return created
            }
        } catch let error as PSQLError where error.isUniqueViolation("staff_users_email") {
            throw Problem.conflict("A user with the email \(email) already exists.")
        }
    }

    /// The customer's active people, oldest first.
    public func list(customerId: UUID, page: PageRequest) async throws -> Page<CustomerUserRecord> {
        let after = try page.cursorValue() ?? 0
        let rows = try await database.client.query(
            """
            SELECT id, email, name, customer_role, customer_id, created_at, seq FROM staff_users
            WHERE customer_id = \(customerId) AND active AND seq > \(after) ORDER BY seq LIMIT \(page.limit + 1)
            """,
            logger: database.logger
        )
        var people: [(CustomerUserRecord, Int64)] = []
        for try await (id, email, name, role, customer, createdAt, seq) in rows.decode((UUID, String, String, String, UUID, Date, Int64).self) {
            people.append((try Self.record(id: id, email: email, name: name, role: role, customerId: customer, createdAt: createdAt), seq))
        }
        return Page(fetched: people, limit: page.limit) { $0.1 }.map { $0.0 }
    }

    /// Removes a person of `customerId`: the account is deactivated (their past actions stay attributed) and every
    /// session of theirs ends in the same transaction. 404 when the person is not an active person of that customer;
    /// 409 for the caller's own account.
    public func remove(userId: UUID, customerId: UUID, by caller: UUID?, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                "SELECT 1 FROM staff_users WHERE id = \(userId) AND customer_id = \(customerId) AND active FOR UPDATE", logger: database.logger
            )
            var found = false
            for try await _ in rows { found = true }
            guard found else { throw Problem.notFound("User") }
            guard userId != caller else { throw Problem.conflict("You cannot remove your own account; ask another administrator.") }
            try await connection.query("UPDATE staff_users SET active = false WHERE id = \(userId)", logger: database.logger)
            let ended = try await SessionStore.endSessions(of: userId, on: connection, logger: database.logger)
            try await AuditLog.record(
                on: connection, audit, action: "customer_user.removed", entity: "customer_user", entityId: userId.uuidString,
                before: ["active": JSONValue.bool(true)], after: ["active": JSONValue.bool(false), "sessionsEnded": .number(Double(ended))],
                logger: database.logger
            )
        }
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [CustomerUserRecord] {
        var people: [CustomerUserRecord] = []
        for try await (id, email, name, role, customer, createdAt) in rows.decode((UUID, String, String, String, UUID, Date).self) {
            people.append(try record(id: id, email: email, name: name, role: role, customerId: customer, createdAt: createdAt))
        }
        return people
    }

    static func record(id: UUID, email: String, name: String, role: String, customerId: UUID, createdAt: Date) throws -> CustomerUserRecord {
        let role = try StoredValue.decode(CustomerRole.self, role, table: "staff_users", column: "customer_role")
        return CustomerUserRecord(id: id, email: email, name: name, role: role, customerId: customerId, createdAt: createdAt)
    }
}
