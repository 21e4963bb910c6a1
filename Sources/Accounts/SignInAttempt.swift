import Crypto
import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// One password check (a sign-in or a password change) as the audit log records it: never with the password.
///
/// Entity `sign_in`; the entity id is the normalised email when an account has it, else `sha256:` and the hex
/// SHA-256 of the normalised email, so whatever someone typed into the email field (a password, by mistake)
/// is never stored in clear.
struct SignInAttempt: Sendable {
    var email: String
    var userId: UUID?
    var sourceAddress: String
    var requestId: String

    var entityId: String {
        guard userId == nil else { return email }
        return "sha256:" + SHA256.hash(data: Data(email.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    var audit: AuditContext { AuditContext(actor: .system, requestId: requestId) }
}

extension SessionStore {
    /// Audits a refused attempt and answers 429 with `Retry-After`; the same answer for a locked email and a
    /// locked address, for known and unknown emails.
    func refuse(_ attempt: SignInAttempt, decision: SignInThrottle.Decision) async throws -> Never {
        guard case .refused(let scope, let retryAfter) = decision else { preconditionFailure("only a refused attempt is refused") }
        try await database.transaction { connection in
            try await AuditLog.record(
                on: connection, attempt.audit, action: "sign_in.refused", entity: "sign_in", entityId: attempt.entityId,
                after: SignInAuditFacts(
                    userId: attempt.userId, sourceAddress: attempt.sourceAddress, lockedScope: scope.rawValue, retryAfter: retryAfter
                ),
                logger: database.logger
            )
        }
        throw Problem(
            status: .tooManyRequests,
            detail: "Too many failed sign-in attempts; try again in \(retryAfter) seconds.",
            headers: [.retryAfter: String(retryAfter)]
        )
    }

    /// Audits a failed password check, and the lock it caused when it was the last allowed try.
    func recordFailure(_ attempt: SignInAttempt, reason: String, number: Int, locksEmail: Bool, locksAddress: Bool) async throws {
        let settings = throttle.settings
        try await database.transaction { connection in
            try await AuditLog.record(
                on: connection, attempt.audit, action: "sign_in.failed", entity: "sign_in", entityId: attempt.entityId,
                after: SignInAuditFacts(userId: attempt.userId, sourceAddress: attempt.sourceAddress, reason: reason, attempt: number),
                logger: database.logger
            )
            if locksEmail {
                try await AuditLog.record(
                    on: connection, attempt.audit, action: "sign_in.locked", entity: "sign_in", entityId: attempt.entityId,
                    after: SignInAuditFacts(
                        userId: attempt.userId, sourceAddress: attempt.sourceAddress, lockedScope: SignInThrottle.Scope.email.rawValue,
                        retryAfter: Int(settings.emailLockout.components.seconds)
                    ),
                    logger: database.logger
                )
            }
            if locksAddress {
                try await AuditLog.record(
                    on: connection, attempt.audit, action: "sign_in.address_locked", entity: "sign_in_address", entityId: attempt.sourceAddress,
                    after: SignInAuditFacts(
                        userId: nil, sourceAddress: attempt.sourceAddress, lockedScope: SignInThrottle.Scope.address.rawValue,
                        retryAfter: Int(settings.addressWindow.components.seconds)
                    ),
                    logger: database.logger
                )
            }
        }
    }
}

/// What a sign-in audit event records (never the password).
struct SignInAuditFacts: Encodable, Sendable {
    var userId: UUID?
    var sourceAddress: String
    var reason: String?
    var attempt: Int?
    var lockedScope: String?
    var retryAfter: Int?

    init(
        userId: UUID?, sourceAddress: String, reason: String? = nil, attempt: Int? = nil, lockedScope: String? = nil, retryAfter: Int? = nil
    ) {
        self.userId = userId
        self.sourceAddress = sourceAddress
        self.reason = reason
        self.attempt = attempt
        self.lockedScope = lockedScope
        self.retryAfter = retryAfter
    }
}
