import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Calibration-due rule")
struct CalibrationDueTests {
    @Test func equipmentWithoutCalibrationOrOverdueIsNotUsableAndCannotBeBooked() async throws {
        try await TestLab.run { lab in
            let uncalibrated = try await lab.equipment()
            let overdue = try await lab.equipment(dueIn: -1)
            let dueToday = try await lab.equipment(dueIn: 0)
            for id in [uncalibrated, overdue] {
                #expect(try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken).value("usable") == .bool(false))
                let booking = try await lab.book(id, from: When.at(day: 0, hour: 20), to: When.at(day: 0, hour: 21))
                #expect(booking.status == .unprocessableContent)
                #expect(booking.problemFields == ["equipment.calibration"])
            }
            #expect(try await lab.api.get("/v1/equipment/\(dueToday)", token: lab.adminToken).value("usable") == .bool(true))
            try await lab.book(dueToday, from: When.at(day: 0, hour: 22), to: When.at(day: 0, hour: 23)).expect(.created)
        }
    }

    @Test func bookingThatEndsAfterTheCalibrationFallsDueIsRefused() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 10)
            try await lab.book(id, from: When.at(day: 2, hour: 8), to: When.at(day: 3, hour: 8)).expect(.created)
            // The due date is the last valid day: a booking may run to its end, not past it.
            try await lab.book(id, from: When.at(day: 10, hour: 8), to: When.at(day: 11, hour: 0)).expect(.created)
            let late = try await lab.book(id, from: When.at(day: 9, hour: 8), to: When.at(day: 12, hour: 8))
            #expect(late.status == .unprocessableContent)
            #expect(late.problemFields == ["end"])
        }
    }

    @Test func equipmentOutOfServiceCannotBeBooked() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            try await lab.setStatus(id, "out_of_service", reason: "leak found").expect(.ok)
            let booking = try await lab.book(id, from: When.at(day: 1, hour: 8), to: When.at(day: 1, hour: 9))
            #expect(booking.status == .unprocessableContent)
            #expect(booking.problemFields == ["equipment.status"])
        }
    }

    @Test func dueWithinDaysListsEquipmentInServiceSoonestFirst() async throws {
        try await TestLab.run { lab in
            let later = try await lab.equipment(dueIn: 40)
            let soon = try await lab.equipment(dueIn: 5)
            let missing = try await lab.equipment()
            let overdue = try await lab.equipment(dueIn: -3)
            let outOfService = try await lab.equipment(dueIn: 2)
            try await lab.setStatus(outOfService, "out_of_service", reason: "sent away").expect(.ok)
            let edge = try await lab.equipment(dueIn: 30)

            let due = try await lab.api.get("/v1/equipment?dueWithinDays=30", token: lab.adminToken)
            try due.expect(.ok)
            let expected = [missing, overdue, soon, edge].map(\.uuidString)
            #expect(try due.array("items").compactMap { $0["id"]?.stringValue } == expected)

            // The same order page by page.
            var paged: [String] = []
            var cursor: String?
            repeat {
                let page = try await lab.api.get(
                    "/v1/equipment?dueWithinDays=30&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: lab.adminToken
                )
                paged += try page.array("items").compactMap { $0["id"]?.stringValue }
                cursor = page.value("nextCursor")?.stringValue
            } while cursor != nil
            #expect(paged == expected)

            let all = try await lab.api.get("/v1/equipment", token: lab.adminToken)
            #expect(try all.array("items").count == 6)
            #expect(try all.string("items.0.id") == later.uuidString)
            #expect(try await lab.api.get("/v1/equipment?dueWithinDays=-1", token: lab.adminToken).problemFields == ["dueWithinDays"])
        }
    }
}
