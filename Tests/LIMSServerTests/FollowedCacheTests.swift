import Foundation
import LIMSServer
import LIMSTestSupport
import NIOCore
import PostgresNIO
import Testing

@testable import Accounts
@testable import LIMSCore

/// API keys' principals, customers' terms and services are cached only while changes are heard, and a change is never outlived by the cache.
@Suite("Caches that follow changes: API keys, customers' terms, services")
struct FollowedCacheTests {
    static let principal = CustomerPrincipal(customerId: UUID(), apiKeyId: UUID())
    static let hash = SecretToken.hash("ck_example")
    static var keyId: String { principal.apiKeyId!.uuidString.lowercased() }

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
        cache.changed(key: UUID().uuidString.lowercased())
        #expect(cache.value(for: Self.hash) == Self.principal)
        cache.changed(key: Self.keyId)
        #expect(cache.value(for: Self.hash) == nil)

        // A notification that names no key empties everything.
        cache.store(Self.principal, for: Self.hash, readAt: cache.generation())
        cache.changed(key: nil)
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
        cache.changed(key: Self.keyId)
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

            try await Self.behindTheTrigger(lab, "api_keys", "api_keys_changed", "UPDATE api_keys SET revoked_at = now() WHERE id = '\(keyId)'")
            #expect(try await lab.api.get("/v1/orders", token: customer.key).status == .ok, "served from the cache")

            try await lab.database.client.query("SELECT pg_notify(\(ChangeNotices.channel), \("api_key:" + keyId.lowercased()))", logger: lab.database.logger)
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
        try await waitUntil("the server listens on \(ChangeNotices.channel)") {
            let rows = try await lab.database.client.query(
                """
                SELECT count(*)::int FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%lims_changes%'
                """,
                logger: lab.database.logger
            )
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
    }

    @Test func noticesNameTheRowOrEmptyEverything() {
        let keys = APIKeyCache()
        let customers = CustomerCache()
        let notices = ChangeNotices([keys, customers])
        keys.listening(true)
        customers.listening(true)
        let customer = Customer(
            id: UUID(), code: "C", name: "N", address: "A", taxId: nil, currency: "CNY", billingEmail: "b@example.com", discountBasisPoints: 0,
            taxRateBasisPoints: 1300, paymentTermsDays: 30, reminderLeadDays: 30, documentLanguage: "en", createdAt: Date()
        )
        func fill() {
            keys.store(Self.principal, for: Self.hash, readAt: keys.generation())
            customers.store(customer, for: customer.id, readAt: customers.generation())
        }
        fill()
        notices.apply("customer:\(customer.id.uuidString.lowercased())")
        #expect(customers.value(for: customer.id) == nil)
        #expect(keys.value(for: Self.hash) == Self.principal)
        fill()
        notices.apply("api_key:\(Self.keyId)")
        #expect(keys.value(for: Self.hash) == nil)
        #expect(customers.value(for: customer.id) == customer)
        for odd in ["something else", "invoice:\(UUID())", ""] {
            fill()
            notices.apply(odd)
            #expect(keys.value(for: Self.hash) == nil, "\(odd)")
            #expect(customers.value(for: customer.id) == nil, "\(odd)")
        }
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
            try await Self.behindTheTrigger(
                lab, "customers", "customers_changed", "UPDATE customers SET discount_basis_points = 700 WHERE id = '\(customer.id)'"
            )
            #expect(try await discount() == before, "priced from the cache")
            try await lab.database.client.query(
                "SELECT pg_notify(\(ChangeNotices.channel), \("customer:\(customer.id.uuidString.lowercased())"))", logger: lab.database.logger
            )
            try await Self.waitUntil("the new terms price the order") { try await discount() == 700 }
        }
    }

    /// An order is priced at the service's price as the server last read it: a price changed through the API prices the
    /// next order at once; one changed elsewhere, when its notice arrives.
    @Test func orderPricingFollowsChangesOfTheServicesPrice() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let code = try await lab.service(priceMinor: 35_000)
            try await Self.waitUntilListening(lab)
            func price() async throws -> Int {
                let order = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
                try order.expect(.created)
                return Int(try order.number("quote.lines.0.unitPrice.amountMinor"))
            }
            #expect(try await price() == 35_000)
            let changed = try await lab.api.put(
                "/v1/services/\(code)/price", token: lab.adminToken, json: ["price": .object(["amountMinor": .number(38_000), "currency": .string("CNY")])]
            )
            try changed.expect(.ok)
            #expect(try await price() == 38_000, "the instance that changed the price quotes it at once")

            // A price inserted behind the trigger's back stays hidden once the cache holds the service (the notices of
            // the creation and the change above may still be on their way and empty it once more, hence the retries).
            var hidden = 38_000
            try await Self.waitUntil("the cache serves the service") {
                let quoted = try await price()
                hidden = quoted + 1_000
                try await Self.behindTheTrigger(
                    lab, "service_prices", "service_prices_changed",
                    "INSERT INTO service_prices (service_code, amount_minor, currency) VALUES ('\(code)', \(hidden), 'CNY')"
                )
                return try await price() == quoted
            }
            try await lab.database.client.query("SELECT pg_notify(\(ChangeNotices.channel), \("service:" + code))", logger: lab.database.logger)
            try await Self.waitUntil("the notified price quotes the order") { try await price() == hidden }
        }
    }

    /// The follower listens on a connection of its own: a pool of one connection still serves requests, and caches.
    @Test func theFollowerTakesNoConnectionOfThePool() async throws {
        try await TestLab.run(customize: { $0.pool.minimumConnections = 0; $0.pool.maximumConnections = 1 }) { lab in
            let customer = try await lab.customer()
            try await Self.waitUntilListening(lab)
            #expect(try await lab.api.get("/v1/orders", token: customer.key).status == .ok)
            let keyId = try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken).string("items.0.id")
            try await Self.behindTheTrigger(lab, "api_keys", "api_keys_changed", "UPDATE api_keys SET revoked_at = now() WHERE id = '\(keyId)'")
            #expect(try await lab.api.get("/v1/orders", token: customer.key).status == .ok, "served from the cache")
        }
    }

    /// Runs `statement` (SQL with its values written in) as the owner with `trigger` on `table` disabled: a change no
    /// notice announces, to tell a cached answer from a fresh one.
    static func behindTheTrigger(_ lab: TestLab, _ table: String, _ trigger: String, _ statement: String) async throws {
        try await lab.asOwner(PostgresQuery(unsafeSQL: """
            DO $$ BEGIN ALTER TABLE \(table) DISABLE TRIGGER \(trigger); \(statement); ALTER TABLE \(table) ENABLE TRIGGER \(trigger); END $$
            """))
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
