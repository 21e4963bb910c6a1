import Foundation
import Logging
import PostgresNIO

/// A cache that hears every change of the rows it keeps. Triggers on the owning module's tables send
/// `NOTIFY lims_changes, '<kind>:<key>'` (`notify_change()`, migration 0059) with every change, delivered to every
/// instance when the change commits (never if it rolls back); ``ChangeNotices/follow(on:logger:)`` listens.
public protocol FollowsChanges: AnyObject, Sendable {
    /// The kind of row the notices name, e.g. `api_key`.
    var kind: String { get }
    /// The row with this key changed (`nil`: any row may have).
    func changed(key: String?)
    /// A listener connected (`true`) or lost its connection (`false`).
    func listening(_ started: Bool)
}

/// Rows this instance has read, kept so that what is read on every request (an API key, a customer's terms, a service's
/// price) is not read again and again; kept only while the instance hears every change:
///
/// - while no listener is connected the cache is empty and answers nothing (every request reads the database), and a
///   listener that starts or stops empties it: a change missed while deaf cannot be outlived;
/// - a read that raced a change cannot put the old row back: an entry is stored only when no change was heard between
///   the read and the store (a generation count);
/// - the instance that makes a change forgets the row at once, before answering (the owning store calls
///   ``changed(key:)`` after committing); another instance forgets it when the notice arrives (milliseconds), about the
///   window a request already past its read always had;
/// - entries are at most `maxAge` old and there are at most `capacity` of them.
public final class FollowedCache<Key: Hashable & Sendable, Value: Sendable>: FollowsChanges, @unchecked Sendable {
    struct Entry {
        var value: Value
        var storedAt: ContinuousClock.Instant
    }

    struct State {
        var listeners = 0
        var generation: UInt64 = 0
        var entries: [Key: Entry] = [:]
    }

    public let kind: String
    let maxAge: Duration
    let capacity: Int
    /// The key of the row a value came from, as the notices name it.
    let rowKey: @Sendable (Value) -> String
    private let lock = NSLock()
    /// Only inside ``withState(_:)``.
    private var state = State()

    public init(kind: String, maxAge: Duration = .seconds(300), capacity: Int = 10_000, rowKey: @escaping @Sendable (Value) -> String) {
        self.kind = kind
        self.maxAge = maxAge
        self.capacity = capacity
        self.rowKey = rowKey
    }

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Whether changes are heard now, hence whether the cache may answer.
    public var isListening: Bool { withState { $0.listeners > 0 } }

    /// The cached value, if it is fresh and the cache is listening.
    public func value(for key: Key) -> Value? {
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
    public func generation() -> UInt64 { withState { $0.generation } }

    /// The cached value, else what `read` finds in the database, kept unless a change was heard while it read.
    public func value(for key: Key, orRead read: () async throws -> Value?) async rethrows -> Value? {
        if let cached = value(for: key) { return cached }
        let generation = generation()
        guard let value = try await read() else { return nil }
        store(value, for: key, readAt: generation)
        return value
    }

    /// Keeps a value read from the database, unless a change was heard since `generation` or nobody listens.
    public func store(_ value: Value, for key: Key, readAt generation: UInt64) {
        withState { state in
            guard state.listeners > 0, state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(value: value, storedAt: .now)
        }
    }

    /// A row changed: forget what came from it (everything when `key` is nil), and make every read in flight forget
    /// what it read.
    public func changed(key: String?) {
        withState { state in
            state.generation &+= 1
            if let key {
                state.entries = state.entries.filter { rowKey($0.value.value) != key }
            } else {
                state.entries.removeAll()
            }
        }
    }

    public func listening(_ started: Bool) {
        withState { state in
            state.listeners += started ? 1 : -1
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}

/// The caches one instance keeps, fed by the notices of `lims_changes`.
public struct ChangeNotices: Sendable {
    public static let channel = "lims_changes"

    let caches: [any FollowsChanges]

    public init(_ caches: [any FollowsChanges]) {
        self.caches = caches
    }

    /// Listens on `connection` (one of its own, not the pool's: it is held for as long as it lasts) until the
    /// connection ends or the task is cancelled, keeping the caches in step; while it runs they may answer. Call it
    /// again, on a new connection, after it throws.
    public func follow(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.listen(on: Self.channel) { notices in
            for cache in caches { cache.listening(true) }
            defer { for cache in caches { cache.listening(false) } }
            logger.debug("following changes", metadata: ["kinds": .string(caches.map(\.kind).joined(separator: ","))])
            for try await notice in notices { apply(notice.payload) }
        }
    }

    /// Applies one notice, `<kind>:<key>`; one that names no kind this instance caches, or is malformed, empties every
    /// cache (a notice is never ignored on a guess).
    public func apply(_ notice: String) {
        let parts = notice.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let matching = parts.count == 2 ? caches.filter { $0.kind == parts[0] } : []
        if matching.isEmpty {
            for cache in caches { cache.changed(key: nil) }
        } else {
            for cache in matching { cache.changed(key: parts[1]) }
        }
    }
}
