import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Equipment bookings")
struct BookingTests {
    @Test func concurrentOverlappingBookingsMakeExactlyOne() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            let technician = try await lab.staff(["technician"])
            let base = When.midnight(5)
            let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for index in 0..<20 {
                    // Every range overlaps every other: each starts a minute later and lasts two hours.
                    let start = base.addingTimeInterval(Double(index) * 60)
                    group.addTask {
                        try await lab.book(id, from: When.stamp(start), to: When.stamp(start.addingTimeInterval(7_200)), token: technician.token)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = responses.filter { $0.status == .created }
            let conflicts = responses.filter { $0.status == .conflict }
            try #require(created.count == 1)
            #expect(conflicts.count == 19)
            let winner = try created[0].string("id")
            for conflict in conflicts {
                #expect(try conflict.string("conflictingBooking.id") == winner)
                #expect(try conflict.string("conflictingBooking.start") == created[0].string("start"))
            }
            let listed = try await lab.api.get("/v1/equipment/\(id)/bookings", token: technician.token)
            #expect(try listed.array("items").count == 1)
        }
    }

    @Test func badRangesAndUnknownJobsAreInvalid() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            let empty = try await lab.book(id, from: When.at(day: 1, hour: 9), to: When.at(day: 1, hour: 9))
            #expect(empty.status == .unprocessableContent)
            #expect(empty.problemFields == ["end"])
            let backwards = try await lab.book(id, from: When.at(day: 1, hour: 10), to: When.at(day: 1, hour: 9))
            #expect(backwards.problemFields == ["end"])
            let missing = try await lab.api.post("/v1/equipment/\(id)/bookings", token: lab.adminToken, json: ["jobId": .string("nope")])
            #expect(Set(missing.problemFields) == ["start", "end", "jobId"])
            let unknownJob = try await lab.book(id, from: When.at(day: 1, hour: 9), to: When.at(day: 1, hour: 10), jobId: UUID())
            #expect(unknownJob.problemFields == ["jobId"])
            #expect(try await lab.book(UUID(), from: When.at(day: 1, hour: 9), to: When.at(day: 1, hour: 10)).status == .notFound)

            let job = try await lab.enqueue(try await lab.service())
            let forJob = try await lab.book(id, from: When.at(day: 1, hour: 9), to: When.at(day: 1, hour: 10), jobId: job.id)
            try forJob.expect(.created)
            #expect(try forJob.string("jobId") == job.id.uuidString)
        }
    }

    @Test func cancellingFreesTheSlotAndCancellingTwiceIsAConflict() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            let first = try await lab.book(id, from: When.at(day: 2, hour: 9), to: When.at(day: 2, hour: 12))
            try first.expect(.created)
            let bookingId = try first.uuid("id")
            let clash = try await lab.book(id, from: When.at(day: 2, hour: 11), to: When.at(day: 2, hour: 13))
            #expect(clash.status == .conflict)
            #expect(try clash.string("conflictingBooking.id") == bookingId.uuidString)

            #expect(try await lab.api.delete("/v1/bookings/\(bookingId)", token: lab.adminToken).status == .noContent)
            let twice = try await lab.api.delete("/v1/bookings/\(bookingId)", token: lab.adminToken)
            #expect(twice.status == .conflict)
            #expect(try twice.string("currentState") == "cancelled")
            #expect(try await lab.api.delete("/v1/bookings/\(UUID())", token: lab.adminToken).status == .notFound)
            try await lab.book(id, from: When.at(day: 2, hour: 11), to: When.at(day: 2, hour: 13)).expect(.created)
            #expect(try await lab.auditActions(entity: "booking", id: bookingId) == ["booking.created", "booking.cancelled"])
        }
    }

    @Test func adjacentBookingsFitAndListingIsByStartWithinTheWindow() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            var ids: [String] = []
            for hour in [13.0, 9.0, 10.0, 11.0] {
                let booked = try await lab.book(id, from: When.at(day: 3, hour: hour), to: When.at(day: 3, hour: hour + 1))
                try booked.expect(.created)
                ids.append(try booked.string("id"))
            }
            let byStart = [ids[1], ids[2], ids[3], ids[0]]
            let window = try await lab.api.get(
                "/v1/equipment/\(id)/bookings?from=\(When.at(day: 3, hour: 10))&to=\(When.at(day: 3, hour: 12))", token: lab.adminToken
            )
            try window.expect(.ok)
            #expect(try window.array("items").compactMap { $0["id"]?.stringValue } == [ids[2], ids[3]])

            var paged: [String] = []
            var cursor: String?
            repeat {
                let page = try await lab.api.get(
                    "/v1/equipment/\(id)/bookings?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: lab.adminToken
                )
                paged += try page.array("items").compactMap { $0["id"]?.stringValue }
                cursor = page.value("nextCursor")?.stringValue
            } while cursor != nil
            #expect(paged == byStart)
            #expect(try await lab.api.get("/v1/equipment/\(id)/bookings?from=yesterday", token: lab.adminToken).problemFields == ["from"])
            let instant = When.at(day: 3, hour: 11)
            #expect(try await lab.api.get("/v1/equipment/\(id)/bookings?from=\(instant)&to=\(instant)", token: lab.adminToken).array("items").isEmpty)
            let backwards = "/v1/equipment/\(id)/bookings?from=\(When.at(day: 3, hour: 12))&to=\(When.at(day: 3, hour: 10))"
            #expect(try await lab.api.get(backwards, token: lab.adminToken).problemFields == ["to"])
            #expect(try await lab.api.get("/v1/equipment/\(UUID())/bookings", token: lab.adminToken).status == .notFound)
        }
    }
}
