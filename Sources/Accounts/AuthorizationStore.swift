import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// What a staff member may do for a service: perform the work, review it, or sign the certificate.
public enum Activity: String, Codable, Sendable, CaseIterable {
    case perform, review, sign
}

/// A competence record: `userId` may do `activity` for `serviceCode` until `validUntil` (inclusive).
public struct Authorization: Codable, Sendable, Equatable {
    public var id: UUID
    public var userId: UUID
    public var serviceCode: String
    public var activity: Activity
    public var validUntil: String
    public var grantedAt: Date
}

/// Staff competence per service and activity. Owns `staff_authorizations`.
/// An expired authorisation no longer counts, but stays on record.
public struct AuthorizationStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Grants (or renews) an authorisation. The caller has checked that the service exists.
    public func grant(
        userId: UUID, serviceCode: String, activity: Activity, validUntil: String, audit: AuditContext
    ) async throws -> Authorization {
        try await database.transaction { connection in
            let userRows = try await connection.query("SELECT 1 FROM staff_users WHERE id = \(userId) AND customer_id IS NULL", logger: database.logger)
            var exists = false
            for try await _ in userRows { exists = true }
            guard exists else { throw Problem.notFound("User") }
            let rows = try await connection.query(
                """
                INSERT INTO staff_authorizations (user_id, service_code, activity, valid_until, granted_by)
                VALUES (\(userId), \(serviceCode), \(activity.rawValue), \(validUntil)::date, \(audit.actor.id))
                ON CONFLICT (user_id, service_code, activity)
                DO UPDATE SET valid_until = EXCLUDED.valid_until, granted_at = now(), granted_by = EXCLUDED.granted_by
                RETURNING id, user_id, service_code, activity, valid_until::text, granted_at
                """,
                logger: database.logger
            )
            guard let authorization = try await Self.decode(rows).first else { throw Problem.notFound("User") }
            try await AuditLog.record(
                on: connection, audit, action: "authorization.granted", entity: "staff_user", entityId: userId.uuidString,
                after: authorization, logger: database.logger
            )
            return authorization
        }
    }

    public func list(userId: UUID) async throws -> [Authorization] {
        let rows = try await database.client.query(
            """
            SELECT id, user_id, service_code, activity, valid_until::text, granted_at FROM staff_authorizations
            WHERE user_id = \(userId) ORDER BY service_code, activity
            """,
            logger: database.logger
        )
        return try await Self.decode(rows)
    }

    /// Whether `userId` holds an unexpired authorisation for `activity` on `serviceCode` today (UTC).
    public func isAuthorized(userId: UUID, serviceCode: String, activity: Activity, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT 1 FROM staff_authorizations
            WHERE user_id = \(userId) AND service_code = \(serviceCode) AND activity = \(activity.rawValue)
              AND valid_until >= (now() AT TIME ZONE 'UTC')::date
            """,
            logger: database.logger
        )
        for try await _ in rows { return true }
        return false
    }

    /// The service codes `userId` may currently perform: the job queue hands out only these.
    public func servicesAuthorized(userId: UUID, activity: Activity, on connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT service_code FROM staff_authorizations
            WHERE user_id = \(userId) AND activity = \(activity.rawValue) AND valid_until >= (now() AT TIME ZONE 'UTC')::date
            """,
            logger: database.logger
        )
        var codes: [String] = []
        for try await code in rows.decode(String.self) { codes.append(code) }
        return codes
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Authorization] {
        var found: [Authorization] = []
        for try await (id, user, code, activity, until, granted) in rows.decode((UUID, UUID, String, String, String, Date).self) {
            found.append(
                Authorization(
                    id: id, userId: user, serviceCode: code,
                    activity: try StoredValue.decode(Activity.self, activity, table: "staff_authorizations", column: "activity"),
                    validUntil: until, grantedAt: granted
                )
            )
        }
        return found
    }
}
