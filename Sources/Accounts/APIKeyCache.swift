import Foundation
import LIMSCore
import Logging
import NIOCore
import PostgresNIO

/// Rows of Accounts this instance has read, kept so that a customer's system calling many times a second does not
/// read the same API key and the same billing terms on every request. Kept only while the instance hears every change:
///
/// - triggers on `api_keys` and `customers` (migration 0059) send `NOTIFY accounts_changed, '<table>:<id>'` with every
///   update or deletion, delivered to every instance when the change commits (never if it rolls back);
///   ``AccountsCaches/follow(database:logger:)`` listens;
/// - while no listener is connected a cache is empty and answers nothing (every request reads the database), and a
///   listener that starts or stops empties it: a change missed while deaf cannot be outlived;
/// - a read that raced a change cannot put the old row back: an entry is stored only when no change was heard between
///   the read and the store (a generation count);
/// - the instance that makes a change forgets the row at once, before answering; another instance forgets it when the
///   notification arrives (milliseconds), about the window a request already past its read always had;
/// - entries are at most `maxAge` old and there are at most `capacity` of them.
public final class FollowedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    struct Entry {
        var value: Value
        var storedAt: ContinuousClock.Instant
    }

    struct State {
        var listeners = 0
        var generation: UInt64 = 0
        var entries: [Key: Entry] = [:]
    }

    let maxAge: Duration
    let capacity: Int
    /// The id of the row a value came from, which change notices name.
    let rowId: @Sendable (Value) -> UUID?
    private let lock = NSLock()
    /// Only inside ``withState(_:)``.
    private var state = State()

    public init(maxAge: Duration = .seconds(300), capacity: Int = 10_000, rowId: @escaping @Sendable (Value) -> UUID?) {
        self.maxAge = maxAge
        self.capacity = capacity
        self.rowId = rowId
    }

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Whether changes are heard now, hence whether the cache may answer.
    public var isListening: Bool { withState { $0.listeners > 0 } }

    /// The cached value, if it is fresh and the cache is listening.
    func value(for key: Key) -> Value? {
        withState { state in
            guard state.listeners > 0, let entry = state.entries[key] else { return nil }
            guard ContinuousClock.now - entry.storedAt < maxAge else {
                state.entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    /// The generation to hand back to ``store(_:for:readAt:)`` after reading the database.
    func generation() -> UInt64 { withState { $0.generation } }

    /// Keeps a value read from the database, unless a change was heard since `generation` or nobody listens.
    func store(_ value: Value, for key: Key, readAt generation: UInt64) {
        withState { state in
            guard state.listeners > 0, state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(value: value, storedAt: .now)
        }
    }

    /// A row changed: forget what came from it (everything when `id` is nil), and make every read in flight forget
    /// what it read.
    func changed(id: UUID?) {
        withState { state in
            state.generation &+= 1
            if let id {
                state.entries = state.entries.filter { rowId($0.value.value) != id }
            } else {
                state.entries.removeAll()
            }
        }
    }

    /// A listener connected (`true`) or lost its connection (`false`); either way what is cached is forgotten.
    func listening(_ started: Bool) {
        withState { state in
            state.listeners += started ? 1 : -1
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}

/// API keys' principals, by the SHA-256 of the key (as the table keeps it: the secret itself is never held).
public typealias APIKeyCache = FollowedCache<ByteBuffer, CustomerPrincipal>

extension FollowedCache where Key == ByteBuffer, Value == CustomerPrincipal {
    public convenience init(maxAge: Duration = .seconds(300), capacity: Int = 10_000) {
        self.init(maxAge: maxAge, capacity: capacity) { $0.apiKeyId }
    }
}

/// The caches of Accounts that follow `accounts_changed`: one instance of each per server, shared by its stores.
public struct AccountsCaches: Sendable {
    public static let channel = "accounts_changed"

    public let apiKeys: APIKeyCache
    public let customers: FollowedCache<UUID, Customer>

    public init() {
        apiKeys = APIKeyCache()
        customers = FollowedCache(maxAge: .seconds(300), capacity: 10_000) { $0.id }
    }

    /// Listens for changes of API keys and customers on one connection of the pool until the connection ends or the
    /// task is cancelled, keeping the caches in step; while it runs they may answer. Call it again after it throws.
    public func follow(database: Database, logger: Logger) async throws {
        try await database.client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                apiKeys.listening(true)
                customers.listening(true)
                defer {
                    apiKeys.listening(false)
                    customers.listening(false)
                }
                logger.debug("following changes of API keys and customers")
                for try await notification in notifications { changed(notification.payload) }
            }
        }
    }

    /// Applies one notice, `api_key:<id>` or `customer:<id>`; anything else empties both caches.
    func changed(_ notice: String) {
        let parts = notice.split(separator: ":", maxSplits: 1).map(String.init)
        let id = parts.count == 2 ? UUID(uuidString: parts[1]) : nil
        switch (parts.first, id) {
        case ("api_key", let id?): apiKeys.changed(id: id)
        case ("customer", let id?): customers.changed(id: id)
        default:
            apiKeys.changed(id: nil)
            customers.changed(id: nil)
        }
    }
}
