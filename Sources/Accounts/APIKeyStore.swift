import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// A customer's API key as listed (the secret itself is returned once, at creation).
public struct APIKeySummary: Codable, Sendable {
    public var id: UUID
    public var customerId: UUID
    /// A public tag naming the key (`key-` and the last 8 hex digits of its id): never any part of the secret.
    public var prefix: String
    public var label: String?
    public var createdAt: Date
    public var revokedAt: Date?
}

/// API keys: issued per customer, stored as SHA-256 only, revocable with immediate effect.
public struct APIKeyStore: Sendable {
    let database: Database
    /// Answers only while ``ChangeNotices/follow(on:logger:)`` runs for it (the server runs it; a store made
    /// elsewhere reads the database every time).
    public let cache: APIKeyCache

    public init(database: Database, cache: APIKeyCache = APIKeyCache()) {
        self.database = database
        self.cache = cache
    }

    public struct IssuedKey: Codable, Sendable {
        public var id: UUID
        public var key: String
        public var prefix: String
        public var customerId: UUID
        public var createdAt: Date
    }

    /// Issues a key for an existing customer (404 otherwise). The returned `key` is never shown again.
    public func issue(customerId: UUID, label: String?, audit: AuditContext) async throws -> IssuedKey {
        let key = SecretToken.generate(prefix: SecretToken.apiKeyPrefix)
        let id = UUID()
        let prefix = Self.publicTag(for: id)
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO api_keys (id, customer_id, prefix, key_hash, label)
                SELECT \(id), id, \(prefix), \(SecretToken.hash(key)), \(label) FROM customers WHERE id = \(customerId)
                RETURNING id, created_at
                """,
                logger: database.logger
            )
            var issued: IssuedKey?
            for try await (id, createdAt) in rows.decode((UUID, Date).self) {
                issued = IssuedKey(id: id, key: key, prefix: prefix, customerId: customerId, createdAt: createdAt)
            }
            guard let issued else { throw Problem.notFound("Customer") }
            try await AuditLog.record(
                on: connection, audit, action: "api_key.issued", entity: "api_key", entityId: issued.id.uuidString,
                after: ["customerId": customerId.uuidString, "prefix": prefix], logger: database.logger
            )
            return issued
        }
    }

    /// The listed, non-secret name of a key: derived from its id, which is public, never from the secret.
    /// Migration 0011 gave keys issued before it the same form.
    static func publicTag(for id: UUID) -> String {
        "key-" + id.uuidString.replacingOccurrences(of: "-", with: "").suffix(8).lowercased()
    }

    /// Revokes a key; it answers 401 from the next request on. Revoking twice is a 409. With `scope`, only a key of that
    /// customer (any other is 404, as if it did not exist).
    public func revoke(id: UUID, scope: UUID? = nil, audit: AuditContext) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = \(id) AND (\(scope)::uuid IS NULL OR customer_id = \(scope)) FOR UPDATE
                """,
                logger: database.logger
            )
            var revoked: Bool?
            for try await value in rows.decode(Bool.self) { revoked = value }
            guard let revoked else { throw Problem.notFound("API key") }
            if revoked { throw Problem.illegalTransition("API key", from: "revoked", action: "revoke") }
            try await connection.query("UPDATE api_keys SET revoked_at = now() WHERE id = \(id)", logger: database.logger)
            try await AuditLog.record(
                on: connection, audit, action: "api_key.revoked", entity: "api_key", entityId: id.uuidString,
                before: ["revoked": false], after: ["revoked": true], logger: database.logger
            )
        }
        // Committed: this instance forgets the key before answering; the others when the trigger's notification arrives.
        cache.changed(key: id.uuidString.lowercased())
    }

    public func list(customerId: UUID) async throws -> [APIKeySummary] {
        let rows = try await database.client.query(
            "SELECT id, customer_id, prefix, label, created_at, revoked_at FROM api_keys WHERE customer_id = \(customerId) ORDER BY created_at",
            logger: database.logger
        )
        var keys: [APIKeySummary] = []
        for try await (id, customer, prefix, label, created, revoked) in rows.decode((UUID, UUID, String, String?, Date, Date?).self) {
            keys.append(APIKeySummary(id: id, customerId: customer, prefix: prefix, label: label, createdAt: created, revokedAt: revoked))
        }
        return keys
    }

    /// The customer behind an unrevoked key, if any.
    public func principal(forKey key: String) async throws -> CustomerPrincipal? {
        let hash = SecretToken.hash(key)
        return try await cache.value(for: hash) {
            let rows = try await database.client.query(
                "SELECT id, customer_id FROM api_keys WHERE key_hash = \(hash) AND revoked_at IS NULL",
                logger: database.logger
            )
            for try await (id, customerId) in rows.decode((UUID, UUID).self) {
                return CustomerPrincipal(customerId: customerId, apiKeyId: id)
            }
            return nil
        }
    }
}
