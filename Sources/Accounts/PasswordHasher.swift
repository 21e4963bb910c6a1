import HummingbirdBcrypt
import LIMSCore
import NIOPosix

/// bcrypt hashing, run on NIO's thread pool because it is slow on purpose.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost: 12 in production; tests lower it to keep the suite fast.
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to verify against when the account does not exist, so timing does not reveal which emails are known.
    static let decoyHash = Bcrypt.hash("decoy-password-never-valid", cost: 4)

    /// The password rules the lab enforces, as validation issues at `field`.
    public static func issues(_ password: String?, field: String) -> [FieldIssue] {
        guard let password, !password.isEmpty else { return [FieldIssue(field: field, message: "is required")] }
        if password.count < 10 { return [FieldIssue(field: field, message: "must be at least 10 characters")] }
        if password.utf8.count > 72 { return [FieldIssue(field: field, message: "must be at most 72 bytes (bcrypt's limit)")] }
        return []
    }
}
