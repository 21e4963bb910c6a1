import Foundation
import LIMSCore
import LIMSTestSupport
import Scheduling
import Testing

@Suite("Job lifecycle")
struct JobLifecycleTests {
    @Test func onlyTheHolderOrAnAdminReleasesAClaimedJob() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let first = try await lab.technician(performing: [code])
            let second = try await lab.technician(performing: [code])
            let job = try await lab.enqueue(code)
            try await lab.claim(first.token).expect(.ok)

            #expect(try await lab.api.post("/v1/jobs/\(job.id)/release", token: second.token).status == .forbidden)
            let released = try await lab.api.post("/v1/jobs/\(job.id)/release", token: first.token)
            try released.expect(.ok)
            #expect(try released.string("state") == "queued")
            #expect(released.value("holderId") == nil)
            let again = try await lab.api.post("/v1/jobs/\(job.id)/release", token: first.token)
            #expect(again.status == .conflict)
            #expect(try again.string("currentState") == "queued")

            let reclaimed = try await lab.claim(second.token)
            #expect(try reclaimed.string("id") == job.id.uuidString)
            try await lab.api.post("/v1/jobs/\(job.id)/release", token: lab.adminToken).expect(.ok)
            #expect(try await lab.api.post("/v1/jobs/\(UUID())/release", token: lab.adminToken).status == .notFound)
            let actions = try await lab.auditActions(entity: "job", id: job.id)
            #expect(actions == ["job.enqueued", "job.claimed", "job.released", "job.claimed", "job.released"])
        }
    }

    @Test func transitionsFollowTheCertificationPathAndNameTheCurrentState() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let technician = try await lab.technician(performing: [code])
            let job = try await lab.enqueue(code)
            try await lab.claim(technician.token).expect(.ok)
            let queue = lab.jobQueue

            let inReview = try await lab.database.transaction { connection in
                try await queue.transition(on: connection, jobId: job.id, from: [.claimed], to: .inReview, audit: .system)
            }
            #expect(inReview.state == .inReview)
            let rejected = try await lab.database.transaction { connection in
                try await queue.transition(on: connection, jobId: job.id, from: [.inReview], to: .claimed, audit: .system)
            }
            #expect(rejected.state == .claimed)
            #expect(rejected.holderId == technician.id)

            do {
                _ = try await lab.database.transaction { connection in
                    try await queue.transition(on: connection, jobId: job.id, from: [.awaitingSignature], to: .certified, audit: .system)
                }
                Issue.record("an illegal transition was allowed")
            } catch let problem as Problem {
                #expect(problem.status == .conflict)
                #expect(problem.extensions["currentState"] == .string("claimed"))
            }
            #expect(try await lab.api.get("/v1/jobs/\(job.id)", token: technician.token).string("state") == "claimed")
            #expect(try await lab.auditActions(entity: "job", id: job.id).suffix(2) == ["job.transitioned", "job.transitioned"])
        }
    }

    @Test func withdrawnJobLeavesTheQueueForGood() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let technician = try await lab.technician(performing: [code])
            let job = try await lab.enqueue(code)
            let queue = lab.jobQueue
            try await lab.database.transaction { connection in
                try await queue.setHeld(on: connection, itemId: job.itemId, held: true, audit: .system)
                try await queue.setHeld(on: connection, itemId: job.itemId, held: false, audit: .system)
                try await queue.withdraw(on: connection, itemId: job.itemId, reason: "damaged beyond calibration", audit: .system)
            }
            #expect(try await lab.claim(technician.token).status == .noContent)
            #expect(try await lab.api.get("/v1/jobs/\(job.id)", token: technician.token).string("state") == "withdrawn")
            do {
                try await lab.database.transaction { connection in
                    try await queue.withdraw(on: connection, itemId: job.itemId, reason: "again", audit: .system)
                }
                Issue.record("a withdrawn job was withdrawn again")
            } catch let problem as Problem {
                #expect(problem.extensions["currentState"] == .string("withdrawn"))
            }
            #expect(
                try await lab.auditActions(entity: "job", id: job.id) == ["job.enqueued", "job.held", "job.resumed", "job.withdrawn"]
            )
        }
    }

    @Test func anItemHasOneJobAndEnqueueValidates() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let job = try await lab.enqueue(code)
            await #expect(throws: Problem.self) { try await lab.enqueue(code, itemId: job.itemId) }
            let queue = lab.jobQueue
            do {
                _ = try await lab.database.transaction { connection in
                    try await queue.enqueue(
                        on: connection, itemId: UUID(), orderId: UUID(), customerId: UUID(), serviceCode: " ", expedited: false,
                        dueOn: "tomorrow", audit: .system
                    )
                }
                Issue.record("an invalid job was enqueued")
            } catch let problem as Problem {
                #expect(Set(problem.errors.map(\.field)) == ["serviceCode", "dueOn"])
            }
        }
    }

    @Test func jobsAreListedByStateAndService() async throws {
        try await TestLab.run { lab in
            let pressure = try await lab.service()
            let torque = try await lab.service()
            let technician = try await lab.technician(performing: [pressure])
            let first = try await lab.enqueue(pressure)
            let second = try await lab.enqueue(pressure)
            let other = try await lab.enqueue(torque)
            try await lab.claim(technician.token).expect(.ok)

            func ids(_ query: String) async throws -> [String] {
                let response = try await lab.api.get("/v1/jobs\(query)", token: technician.token)
                try response.expect(.ok)
                return try response.array("items").compactMap { $0["id"]?.stringValue }
            }
            #expect(try await ids("") == [first, second, other].map(\.id.uuidString))
            #expect(try await ids("?state=queued") == [second, other].map(\.id.uuidString))
            #expect(try await ids("?state=queued&serviceCode=\(pressure)") == [second.id.uuidString])
            #expect(try await ids("?state=claimed") == [first.id.uuidString])
            #expect(try await lab.api.get("/v1/jobs?state=lost", token: technician.token).problemFields == ["state"])
            #expect(try await lab.api.get("/v1/jobs/\(UUID())", token: technician.token).status == .notFound)
            let customer = try await lab.customer()
            #expect(try await lab.api.get("/v1/jobs", token: customer.key).status == .forbidden)
        }
    }
}
