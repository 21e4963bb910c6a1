import Foundation
import LIMSCore
import LIMSTestSupport
import Scheduling
import Testing

@Suite("Concurrent claims")
struct JobClaimRaceTests {
    @Test func fourTechniciansClaimFiftyJobsEachExactlyOnce() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let queue = lab.jobQueue
            let enqueued = try await lab.database.transaction { connection in
                var ids: Set<UUID> = []
                for index in 0..<50 {
                    let job = try await queue.enqueue(
                        on: connection, itemId: UUID(), orderId: UUID(), customerId: UUID(), serviceCode: code, expedited: index % 7 == 0,
                        dueOn: When.day(index % 5), audit: .system
                    )
                    ids.insert(job.id)
                }
                return ids
            }
            var technicians: [(id: UUID, token: String)] = []
            for _ in 0..<4 { technicians.append(try await lab.technician(performing: [code])) }

            let claims = try await withThrowingTaskGroup(of: [(UUID, String)].self) { group in
                for technician in technicians {
                    group.addTask {
                        var mine: [(UUID, String)] = []
                        while true {
                            let response = try await lab.claim(technician.token)
                            if response.status == .noContent { return mine }
                            try response.expect(.ok)
                            #expect(try response.string("holderId") == technician.id.uuidString)
                            mine.append((technician.id, try response.string("id")))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let claimedIds = claims.map(\.1)
            #expect(claimedIds.count == 50)
            #expect(Set(claimedIds) == Set(enqueued.map(\.uuidString)))
            for technician in technicians {
                #expect(try await lab.claim(technician.token).status == .noContent)
            }
            let claimed = try await lab.api.get("/v1/jobs?state=claimed&limit=500", token: lab.adminToken)
            #expect(try claimed.array("items").count == 50)
            let rows = try await lab.database.client.query(
                "SELECT count(*) FROM audit_events WHERE action = 'job.claimed'", logger: lab.database.logger
            )
            for try await count in rows.decode(Int.self) { #expect(count == 50) }
        }
    }
}
