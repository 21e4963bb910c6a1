import Foundation
import LIMSCore
import Logging
import PostgresNIO

extension SessionStore {
    /// What a signed-in person sends to change their password.
    public struct PasswordChange: Sendable {
        public var currentPassword: String?
        public var newPassword: String?

        public init(currentPassword: String?, newPassword: String?) {
            self.currentPassword = currentPassword
            self.newPassword = newPassword
        }
    }

    /// Changes the signed-in user's password and ends every other session of theirs. The current password is
    /// checked like a sign-in (reserved against the throttle first, one bcrypt): a wrong one is a failed attempt
    /// and a 403 naming `currentPassword` (a failed proof of identity, not bad data: no schema can say what the
    /// password is), with any problems of the new password beside it; a locked email or address is 429. The new
    /// password follows ``PasswordPolicy``.
    public func changePassword(
        of principal: Principal, _ change: PasswordChange, keepingSession token: String, sourceAddress: String, audit: AuditContext
    ) async throws {
        guard let user = principal.person else { throw Problem.forbidden("Only a signed-in person has a password to change.") }
        var validator = Validator()
        validator.add(contentsOf: policy.issues(change.newPassword, email: user.email, field: "newPassword"))
        guard let current = change.currentPassword, !current.isEmpty else {
            validator.add("currentPassword", "is required")
            try validator.finish()
            return
        }
        let email = SignInThrottle.normalise(email: user.email)
        let decision = try await throttle.reserve(email: email, address: sourceAddress)
        let account = try await account(email: email)
        let attempt = SignInAttempt(email: email, userId: user.id, sourceAddress: sourceAddress, requestId: audit.requestId ?? "")
        if case .refused(.address, _) = decision { try await refuse(attempt, decision: decision) }
        let matches = try await hasher.verify(current, hashOrDecoy: account?.passwordHash)
        guard case .proceed(let number, let locksEmail, let locksAddress) = decision else {
            try await refuse(attempt, decision: decision)
        }
        if matches, account?.principal.person?.id == user.id {
            try await throttle.succeeded(email: email, address: sourceAddress)
            validator.check(change.newPassword != current, "newPassword", "must differ from the current password")
        } else {
            try await recordFailure(attempt, reason: "wrong_current_password", number: number, locksEmail: locksEmail, locksAddress: locksAddress)
            validator.add("currentPassword", "is not your current password")
            throw Problem(
                status: .forbidden, title: "Current password is wrong",
                detail: "The current password does not match: the password was not changed.", errors: validator.issues
            )
        }
        try validator.finish()

        let hash = try await hasher.hash(change.newPassword ?? "")
        try await database.transaction { connection in
            try await connection.query("UPDATE staff_users SET password_hash = \(hash) WHERE id = \(user.id)", logger: database.logger)
            let ended = try await Self.endSessions(of: user.id, keeping: token, on: connection, logger: database.logger)
            try await AuditLog.record(
                on: connection, audit, action: "password.changed", entity: Self.entity(principal), entityId: user.id.uuidString,
                after: ["otherSessionsEnded": ended], logger: database.logger
            )
        }
    }
}
