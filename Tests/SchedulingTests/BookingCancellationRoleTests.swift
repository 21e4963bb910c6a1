import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Who may cancel a booking")
struct BookingCancellationRoleTests {
    @Test func onlyTheMakerOrAnAdminCancelsABooking() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            let maker = try await lab.staff(["technician"])
            let colleague = try await lab.staff(["technician"])
            let billing = try await lab.staff(["billing"])
            let receptionist = try await lab.staff(["receptionist"])
            let first = try await lab.book(id, from: When.at(day: 3, hour: 9), to: When.at(day: 3, hour: 10), token: maker.token)
            try first.expect(.created)
            let firstId = try first.uuid("id")

            for token in [colleague.token, billing.token, receptionist.token] {
                let refused = try await lab.api.delete("/v1/bookings/\(firstId)", token: token)
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
            // Nothing changed: the slot is still taken and no cancellation was audited.
            #expect(try await lab.book(id, from: When.at(day: 3, hour: 9), to: When.at(day: 3, hour: 10)).status == .conflict)
            #expect(try await lab.auditActions(entity: "booking", id: firstId) == ["booking.created"])

            #expect(try await lab.api.delete("/v1/bookings/\(firstId)", token: maker.token).status == .noContent)

            let second = try await lab.book(id, from: When.at(day: 4, hour: 9), to: When.at(day: 4, hour: 10), token: maker.token)
            let secondId = try second.uuid("id")
            #expect(try await lab.api.delete("/v1/bookings/\(secondId)", token: lab.adminToken).status == .noContent)
            #expect(try await lab.auditActions(entity: "booking", id: secondId) == ["booking.created", "booking.cancelled"])
        }
    }
}
