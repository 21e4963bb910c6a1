import Accounts
import Foundation
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@Suite("Housekeeping sweeps")
struct HousekeepingTests {
    @Test func staleThrottleRowsAreForgottenButRunningLocksAndFreshCountsStay() async throws {
        try await TestLab.run { lab in
            let logger = lab.database.logger
            try await lab.database.client.query(
                """
                INSERT INTO sign_in_throttles (scope, subject, attempts, window_started_at, locked_until) VALUES
                    ('email', 'old@x.test', 3, now() - interval '2 days', NULL),
                    ('email', 'old-lock-ended@x.test', 5, now() - interval '2 days', now() - interval '1 day'),
                    ('email', 'locked@x.test', 5, now() - interval '2 days', now() + interval '10 minutes'),
                    ('address', '10.0.0.1', 4, now() - interval '1 hour', NULL)
                """,
                logger: logger
            )
            let throttle = SignInThrottle(database: lab.database)
            #expect(try await throttle.purgeStale() == 2)
            #expect(try await throttle.purgeStale() == 0)
            let rows = try await lab.database.client.query("SELECT subject FROM sign_in_throttles WHERE subject LIKE '%x.test' OR subject = '10.0.0.1' ORDER BY subject", logger: logger)
            var left: [String] = []
            for try await subject in rows.decode(String.self) { left.append(subject) }
            #expect(left == ["10.0.0.1", "locked@x.test"])
        }
    }
}
