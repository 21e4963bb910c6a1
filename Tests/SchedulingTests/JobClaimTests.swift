import Foundation
import LIMSCore
import LIMSTestSupport
import Scheduling
import Testing

@Suite("Claiming jobs")
struct JobClaimTests {
    @Test func claimsGoExpeditedFirstThenByDueDateThenByAgeSkippingHeldJobs() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let technician = try await lab.technician(performing: [code])
            let standardLate = try await lab.enqueue(code, dueIn: 10)
            let standardSoon = try await lab.enqueue(code, dueIn: 5)
            let expeditedLate = try await lab.enqueue(code, expedited: true, dueIn: 20)
            let standardSoonYounger = try await lab.enqueue(code, dueIn: 5)
            let held = try await lab.enqueue(code, expedited: true, dueIn: 1)
            let expeditedSoon = try await lab.enqueue(code, expedited: true, dueIn: 15)
            let queue = lab.jobQueue
            try await lab.database.transaction { try await queue.setHeld(on: $0, itemId: held.itemId, held: true, audit: .system) }

            var claimed: [String] = []
            while true {
                let response = try await lab.claim(technician.token)
                if response.status == .noContent { break }
                try response.expect(.ok)
                #expect(try response.string("state") == "claimed")
                #expect(try response.string("holderId") == technician.id.uuidString)
                claimed.append(try response.string("id"))
            }
            #expect(claimed == [expeditedSoon, expeditedLate, standardSoon, standardSoonYounger, standardLate].map(\.id.uuidString))

            try await lab.database.transaction { try await queue.setHeld(on: $0, itemId: held.itemId, held: false, audit: .system) }
            let resumed = try await lab.claim(technician.token)
            #expect(try resumed.string("id") == held.id.uuidString)
            #expect(try resumed.string("priority") == "expedited")
        }
    }

    @Test func expiredAuthorisationClaimsNothingAndARenewedOneClaims() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let job = try await lab.enqueue(code)
            let technician = try await lab.staff(["technician"])
            #expect(try await lab.claim(technician.token).status == .noContent)

            try await lab.grant(technician.id, code, validUntil: When.day(-1))
            let expired = try await lab.claim(technician.token)
            #expect(expired.status == .noContent)
            #expect(expired.text.isEmpty)
            try await lab.grant(technician.id, code, activity: "review", validUntil: When.day(30))
            #expect(try await lab.claim(technician.token).status == .noContent)

            try await lab.grant(technician.id, code, validUntil: When.day(0))
            let claimed = try await lab.claim(technician.token)
            try claimed.expect(.ok)
            #expect(try claimed.string("id") == job.id.uuidString)
        }
    }

    @Test func serviceCodesNarrowWhatIsClaimedAndOnlyTechniciansClaim() async throws {
        try await TestLab.run { lab in
            let pressure = try await lab.service()
            let torque = try await lab.service()
            let technician = try await lab.technician(performing: [pressure, torque])
            let job = try await lab.enqueue(pressure)
            #expect(try await lab.claim(technician.token, serviceCodes: [torque]).status == .noContent)
            #expect(try await lab.claim(technician.token, serviceCodes: []).status == .noContent)
            let reviewer = try await lab.staff(["reviewer"])
            try await lab.grant(reviewer.id, pressure)
            #expect(try await lab.claim(reviewer.token).status == .forbidden)
            let claimed = try await lab.claim(technician.token, serviceCodes: [pressure, "OTHER"])
            #expect(try claimed.string("id") == job.id.uuidString)
        }
    }
}
