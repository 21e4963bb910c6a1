import Foundation
import LIMSCore
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The principals of API keys this instance has seen, so a customer's system calling many times a second costs one
/// statement per request instead of two. Kept only while the instance hears every revocation:
///
/// - a trigger on `api_keys` (migration 0059) sends `NOTIFY api_key_changed, '<key id>'` with every change, delivered
///   to every instance when the change commits; ``APIKeyStore/followRevocations(logger:)`` listens;
/// - while no listener is connected the cache is empty and answers nothing (every request reads the database), and a
///   listener that starts or stops empties it: a revocation missed while deaf cannot leave a key working;
/// - a lookup that raced a revocation cannot put a revoked key back: an entry is stored only when no change was heard
///   between the read and the store (a generation count);
/// - the instance that revokes a key forgets it at once, before answering; another instance forgets it when the
///   notification arrives (milliseconds), about the window a request already past authentication always had;
/// - entries are at most ``maxAge`` old and there are at most ``capacity`` of them.
///
/// Keyed by the key's SHA-256, like the table: the secret itself is never kept.
public final class APIKeyCache: Sendable {
    public static let channel = "api_key_changed"

    struct Entry {
        var principal: CustomerPrincipal
        var storedAt: ContinuousClock.Instant
    }

    struct State {
        var listeners = 0
        var generation: UInt64 = 0
        var entries: [ByteBuffer: Entry] = [:]
    }

    let maxAge: Duration
    let capacity: Int
    private let state = Mutex(State())

    public init(maxAge: Duration = .seconds(300), capacity: Int = 10_000) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// Whether revocations are heard now, hence whether the cache may answer.
    public var isListening: Bool { state.withLock { $0.listeners > 0 } }

    /// The cached principal of the key with this hash, if it is fresh and the cache is listening.
    func principal(forHash hash: ByteBuffer) -> CustomerPrincipal? {
        state.withLock { state in
            guard state.listeners > 0, let entry = state.entries[hash] else { return nil }
            guard ContinuousClock.now - entry.storedAt < maxAge else {
                state.entries[hash] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// The generation to hand back to ``store(_:forHash:readAt:)`` after reading the database.
    func generation() -> UInt64 { state.withLock { $0.generation } }

    /// Keeps a principal read from the database, unless a change was heard since `generation` or nobody listens.
    func store(_ principal: CustomerPrincipal, forHash hash: ByteBuffer, readAt generation: UInt64) {
        state.withLock { state in
            guard state.listeners > 0, state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = Entry(principal: principal, storedAt: .now)
        }
    }

    /// A key changed (revoked, removed): forget it, and make every lookup in flight forget what it read.
    func changed(keyId: UUID?) {
        state.withLock { state in
            state.generation &+= 1
            if let keyId {
                state.entries = state.entries.filter { $0.value.principal.apiKeyId != keyId }
            } else {
                state.entries.removeAll()
            }
        }
    }

    /// A listener connected (`true`) or lost its connection (`false`); either way what is cached is forgotten.
    func listening(_ started: Bool) {
        state.withLock { state in
            state.listeners += started ? 1 : -1
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}

extension APIKeyStore {
    /// Listens for changes of API keys on one connection of the pool until the connection ends or the task is
    /// cancelled, keeping ``cache`` in step; while it runs the cache may answer. Call it again after it throws.
    public func followRevocations(logger: Logger) async throws {
        try await database.client.withConnection { connection in
            try await connection.listen(on: APIKeyCache.channel) { notifications in
                cache.listening(true)
                defer { cache.listening(false) }
                logger.debug("following API key changes")
                for try await notification in notifications {
                    cache.changed(keyId: UUID(uuidString: notification.payload))
                }
            }
        }
    }
}
