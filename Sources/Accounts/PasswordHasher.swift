import HummingbirdBcrypt
import LIMSCore
import NIOPosix
import Synchronization

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

    /// Runs exactly one bcrypt check at this hasher's cost: against `hash` when there is one, else against the decoy,
    /// so an unknown account costs the same time as a known one. Returns false for the decoy.
    public func verify(_ password: String, hashOrDecoy hash: String?) async throws -> Bool {
        guard let hash else {
            _ = try await verify(password, hash: try await decoyHash())
            return false
        }
        return try await verify(password, hash: hash)
    }

    /// A hash at this hasher's real cost that no password matches usefully, made once per process and cost.
    public func decoyHash() async throws -> String {
        let cost = self.cost
        let task = Self.decoys.withLock { decoys in
            if let task = decoys[cost] { return task }
            let task = Task { try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash("decoy: no account has this password", cost: cost) } }
            decoys[cost] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            // Do not keep a failed computation (e.g. the thread pool was shutting down): the next caller tries again.
            Self.decoys.withLock { decoys in if decoys[cost] == task { decoys[cost] = nil } }
            throw error
        }
    }

    /// One decoy computation per cost, shared by concurrent first callers.
    static let decoys = Mutex<[UInt8: Task<String, any Error>]>([:])
}
