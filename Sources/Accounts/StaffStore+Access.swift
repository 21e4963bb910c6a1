import Foundation
import LIMSCore
import Logging
import PostgresNIO

extension StaffStore {
    /// Clears the sign-in lock and failure count of a user's email (admin). 404 for an unknown id.
    public func unlock(id: UUID, audit: AuditContext) async throws {
        try await database.transaction { connection in
            guard let user = try await find(id: id, on: connection) else { throw Problem.notFound("User") }
            let email = SignInThrottle.normalise(email: user.email)
            let cleared = try await SignInThrottle.clear(email: email, on: connection, logger: database.logger)
            try await AuditLog.record(
                on: connection, audit, action: "user.unlocked", entity: "staff_user", entityId: id.uuidString,
                before: ["locked": JSONValue.bool(cleared.wasLocked), "failedAttempts": .number(Double(cleared.attempts))],
                after: ["locked": JSONValue.bool(false), "failedAttempts": .number(0)], logger: database.logger
            )
        }
    }

    /// Deactivates a user (admin) and ends every session of theirs in the same transaction, so the next request
    /// with any of their tokens is 401. 404 for an unknown id; 409 when already inactive or when it is the caller.
    public func deactivate(id: UUID, by caller: UUID, audit: AuditContext) async throws -> StaffUser {
        try await database.transaction { connection in
            let rows = try await connection.query("SELECT active FROM staff_users WHERE id = \(id) AND customer_id IS NULL FOR UPDATE", logger: database.logger)
            var active: Bool?
            for try await value in rows.decode(Bool.self) { active = value }
            guard let active else { throw Problem.notFound("User") }
            guard active else { throw Problem.illegalTransition("user", from: "inactive", action: "deactivate") }
            guard id != caller else { throw Problem.conflict("You cannot deactivate your own account; ask another admin.") }
            try await connection.query("UPDATE staff_users SET active = false WHERE id = \(id)", logger: database.logger)
            let ended = try await SessionStore.endSessions(of: id, on: connection, logger: database.logger)
            try await AuditLog.record(
                on: connection, audit, action: "user.deactivated", entity: "staff_user", entityId: id.uuidString,
                before: ["active": JSONValue.bool(true)], after: ["active": JSONValue.bool(false), "sessionsEnded": .number(Double(ended))],
                logger: database.logger
            )
            guard let user = try await find(id: id, on: connection) else { throw Problem.notFound("User") }
            return user
        }
    }
}
