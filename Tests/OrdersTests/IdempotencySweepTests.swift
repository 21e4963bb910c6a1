import Foundation
import LIMSCore
import LIMSTestSupport
import Orders
import PostgresNIO
import Testing

@Suite("Idempotency retention sweep")
struct IdempotencySweepTests {
    /// Stores `count` records for one customer, `ageHours` old.
    static func store(_ count: Int, ageHours: Int, prefix: String, in lab: TestLab) async throws {
        try await lab.database.client.query(
            """
            INSERT INTO idempotency_keys (customer_id, key, request_hash, status_code, response_body, created_at)
            SELECT gen_random_uuid(), \(prefix)::text || n::text, 'h', 201, '\\x7b7d'::bytea, now() - make_interval(hours => \(ageHours)::int)
            FROM generate_series(1, \(count)) AS n
            """,
            logger: lab.database.logger
        )
    }

    static func remaining(_ lab: TestLab) async throws -> [String: Int] {
        let rows = try await lab.database.client.query(
            "SELECT split_part(key, '-', 1), count(*)::int FROM idempotency_keys GROUP BY 1", logger: lab.database.logger
        )
        var result: [String: Int] = [:]
        for try await (prefix, count) in rows.decode((String, Int).self) { result[prefix] = count }
        return result
    }

    @Test func oldRecordsGoAndFreshOnesStay() async throws {
        try await TestLab.run { lab in
            try await Self.store(30, ageHours: 8 * 24, prefix: "old-", in: lab)
            try await Self.store(5, ageHours: 2 * 24, prefix: "mid-", in: lab)
            try await Self.store(10, ageHours: 1, prefix: "fresh-", in: lab)
            let removed = try await Idempotency(database: lab.database).sweep(olderThan: .seconds(7 * 86_400), batchSize: 7)
            #expect(removed == 30)
            #expect(try await Self.remaining(lab) == ["mid": 5, "fresh": 10])
        }
    }

    @Test func retentionNeverDropsBelowTheContractsDay() async throws {
        try await TestLab.run { lab in
            try await Self.store(4, ageHours: 23, prefix: "young-", in: lab)
            try await Self.store(3, ageHours: 25, prefix: "day-", in: lab)
            let removed = try await Idempotency(database: lab.database).sweep(olderThan: .seconds(60))
            #expect(removed == 3)
            #expect(try await Self.remaining(lab) == ["young": 4])
        }
    }

    @Test func concurrentSweepsFromSeveralInstancesRemoveEachRecordOnce() async throws {
        try await TestLab.run { lab in
            try await Self.store(200, ageHours: 10 * 24, prefix: "old-", in: lab)
            try await Self.store(20, ageHours: 1, prefix: "fresh-", in: lab)
            let instances = (0..<4).map { _ in
                Database(client: lab.database.client, logger: lab.database.logger)
            }
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for database in instances {
                    group.addTask { try await Idempotency(database: database).sweep(olderThan: .seconds(7 * 86_400), batchSize: 9) }
                }
                return try await group.reduce(0, +)
            }
            // Another instance may find the lock held and leave the rest to the next pass; the last pass clears it.
            let last = try await Idempotency(database: lab.database).sweep(olderThan: .seconds(7 * 86_400))
            #expect(total + last == 200)
            #expect(try await Self.remaining(lab) == ["fresh": 20])
        }
    }

    @Test func aReplayStillWorksWithinTheRetention() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let body = TestLab.orderBody(serviceCodes: [code])
            let first = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "keep-me"])
            try first.expect(.created)
            #expect(try await Idempotency(database: lab.database).sweep(olderThan: .seconds(86_400)) == 0)
            let retry = try await lab.api.post("/v1/orders", token: customer.key, json: body, headers: [.idempotencyKey: "keep-me"])
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(try retry.string("id") == first.string("id"))
        }
    }
}
