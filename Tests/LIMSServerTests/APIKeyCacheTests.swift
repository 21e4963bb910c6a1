import Foundation
import LIMSCore
import LIMSTestSupport
import NIOCore
import PostgresNIO
import Testing

@testable import Accounts

/// API keys' principals and customers' terms are cached only while changes are heard, and a change is never outlived by the cache.
@Suite("Accounts caches: API keys and customers' terms")
struct APIKeyCacheTests {
    static let principal = CustomerPrincipal(customerId: UUID(), apiKeyId: UUID())
    static let hash = SecretToken.hash("ck_example")

    @Test func withoutAListenerNothingIsKept() {
        let cache = APIKeyCache()
        cache.store(Self.principal, for: Self.hash, readAt: cache.generation())
        #expect(cache.value(for: Self.hash) == nil)
        #expect(!cache.isListening)
    }

    @Test func whileListeningAKeyIsKeptUntilItChangesOrTheListenerStops() {
        let cache = APIKeyCache()
        cache.listening(true)
        cache.store(Self.principal, for: Self.hash, readAt: cache.generation())
        #expect(cache.value(for: Self.hash) == Self.principal)

        // Another key's change leaves it; its own change removes it.
        cache.changed(id: UUID())
        #expect(cache.value(for: Self.hash) == Self.principal)
        cache.changed(id: Self.principal.apiKeyId)
        #expect(cache.value(for: Self.hash) == nil)

        // A notification that names no key empties everything.
        cache.store(Self.principal, for: Self.hash, readAt: cache.generation())
        cache.changed(id: nil)
        #expect(cache.value(for: Self.hash) == nil)

        // A lost listener empties the cache and stops it answering.
        cache.store(Self.principal, for: Self.hash, readAt: cache.generation())
        cache.listening(false)
        #expect(cache.value(for: Self.hash) == nil)
        cache.store(Self.principal, for: Self.hash, readAt: cache.generation())
        #expect(cache.value(for: Self.hash) == nil)
    }

    @Test func aReadThatRacedAChangeIsNotKept() {
        let cache = APIKeyCache()
        cache.listening(true)
        let before = cache.generation()
        // The key was read from the database, then its revocation was heard before the read was stored.
        cache.changed(id: Self.principal.apiKeyId)
        cache.store(Self.principal, for: Self.hash, readAt: before)
        #expect(cache.value(for: Self.hash) == nil)
        // So was a listener restart.
        let again = cache.generation()
        cache.listening(false)
        cache.listening(true)
        cache.store(Self.principal, for: Self.hash, readAt: again)
        #expect(cache.value(for: Self.hash) == nil)
    }

    @Test func entriesAgeOutAndTheCacheStaysBounded() {
        let stale = APIKeyCache(maxAge: .zero)
        stale.listening(true)
        stale.store(Self.principal, for: Self.hash, readAt: stale.generation())
        #expect(stale.value(for: Self.hash) == nil)

        let small = APIKeyCache(capacity: 3)
        small.listening(true)
        let hashes = (0..<4).map { SecretToken.hash("ck_\($0)") }
        for hash in hashes { small.store(CustomerPrincipal(customerId: UUID(), apiKeyId: UUID()), for: hash, readAt: small.generation()) }
        #expect(hashes.filter { small.value(for: $0) != nil }.count <= 3)
        #expect(small.value(for: hashes[3]) != nil)
    }

    /// The server follows changes of `api_keys` through the trigger's notification: a key revoked behind the trigger's
    /// back keeps answering from the cache (so the cache is in use), and the notification another instance's revocation
    /// sends ends it.
    @Test func theServerCachesKeysAndForgetsOneWhenItsChangeIsNotified() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let keyId = try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken).string("items.0.id")

            // The server's listener is connected, then a request caches the key.
            try await Self.waitUntilListening(lab)
            #expect(try await lab.api.get("/v1/orders", token: customer.key).status == .ok)

            let silently = "ALTER TABLE api_keys DISABLE TRIGGER api_keys_changed; UPDATE api_keys SET revoked_at = now() WHERE id = '\(keyId)'; "
                + "ALTER TABLE api_keys ENABLE TRIGGER api_keys_changed;"
            try await lab.asOwner(PostgresQuery(unsafeSQL: "DO $$ BEGIN \(silently) END $$"))
            #expect(try await lab.api.get("/v1/orders", token: customer.key).status == .ok, "served from the cache")

            try await lab.database.client.query("SELECT pg_notify(\(AccountsCaches.channel), \("api_key:" + keyId))", logger: lab.database.logger)
            let started = ContinuousClock.now
            try await Self.waitUntil("the revoked key is refused") {
                try await lab.api.get("/v1/orders", token: customer.key).status == .unauthorized
            }
            #expect(ContinuousClock.now - started < .seconds(2))

            // A revocation through the API is refused from the next request on, with the trigger in place.
            let second = try await lab.api.post("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken, json: [:])
            let key = try second.string("key")
            #expect(try await lab.api.get("/v1/orders", token: key).status == .ok)
            #expect(try await lab.api.delete("/v1/api-keys/\(try second.string("id"))", token: lab.adminToken).status == .noContent)
            #expect(try await lab.api.get("/v1/orders", token: key).status == .unauthorized)
        }
    }

    /// Waits until the lab's server listens on `accounts_changed` (its LISTEN shows in pg_stat_activity).
    static func waitUntilListening(_ lab: TestLab) async throws {
        try await waitUntil("the server listens on \(AccountsCaches.channel)") {
            let rows = try await lab.database.client.query(
                """
                SELECT count(*)::int FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%accounts_changed%'
                """,
                logger: lab.database.logger
            )
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
    }

    @Test func noticesNameTheRowOrEmptyEverything() {
        let caches = AccountsCaches()
        caches.apiKeys.listening(true)
        caches.customers.listening(true)
        let customer = Customer(
            id: UUID(), code: "C", name: "N", address: "A", taxId: nil, currency: "CNY", billingEmail: "b@example.com", discountBasisPoints: 0,
            taxRateBasisPoints: 1300, paymentTermsDays: 30, reminderLeadDays: 30, documentLanguage: "en", createdAt: Date()
        )
        func fill() {
            caches.apiKeys.store(Self.principal, for: Self.hash, readAt: caches.apiKeys.generation())
            caches.customers.store(customer, for: customer.id, readAt: caches.customers.generation())
        }
        fill()
        caches.changed("customer:\(customer.id.uuidString.lowercased())")
        #expect(caches.customers.value(for: customer.id) == nil)
        #expect(caches.apiKeys.value(for: Self.hash) == Self.principal)
        fill()
        caches.changed("api_key:\(try! #require(Self.principal.apiKeyId))")
        #expect(caches.apiKeys.value(for: Self.hash) == nil)
        #expect(caches.customers.value(for: customer.id) == customer)
        fill()
        caches.changed("something else")
        #expect(caches.apiKeys.value(for: Self.hash) == nil)
        #expect(caches.customers.value(for: customer.id) == nil)
    }

    /// An order is priced with the customer's terms as the server last read them, and a notice of a change of the
    /// customer (as the trigger sends it from any instance) makes the next order read them again.
    @Test func orderPricingFollowsChangesOfTheCustomersTerms() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let code = try await lab.service()
            try await Self.waitUntilListening(lab)
            func discount() async throws -> Double {
                let order = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
                try order.expect(.created)
                return try order.number("quote.discountBasisPoints")
            }
            let before = try await discount()
            let silently = "ALTER TABLE customers DISABLE TRIGGER customers_changed; UPDATE customers SET discount_basis_points = 700 "
                + "WHERE id = '\(customer.id)'; ALTER TABLE customers ENABLE TRIGGER customers_changed;"
            try await lab.asOwner(PostgresQuery(unsafeSQL: "DO $$ BEGIN \(silently) END $$"))
            #expect(try await discount() == before, "priced from the cache")
            try await lab.database.client.query(
                "SELECT pg_notify(\(AccountsCaches.channel), \("customer:\(customer.id)"))", logger: lab.database.logger
            )
            try await Self.waitUntil("the new terms price the order") { try await discount() == 700 }
        }
    }

    /// Polls `condition` every 20 ms for at most 5 seconds.
    static func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting until \(what)")
    }
}
