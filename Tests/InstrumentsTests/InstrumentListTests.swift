import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

/// `GET /v1/instruments`: by status, the most urgent first, paged with cursors.
@Suite("Listing the register")
struct InstrumentListTests {
    /// Every page of `path`, following `nextCursor`.
    func pages(_ lab: TestLab, _ path: String, token: String) async throws -> [[String]] {
        var result: [[String]] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let page = try await lab.api.get(path + (cursor.map { "\(separator)cursor=\($0)" } ?? ""), token: token)
            try page.expect(.ok)
            result.append(try page.array("items").compactMap { $0["serialNumber"]?.stringValue })
            cursor = page.value("nextCursor")?.stringValue
        } while cursor != nil && result.count < 20
        return result
    }

    @Test func statusListsComeByDueDateAndPageWithoutGapsOrRepeats() async throws {
        try await TestLab.run { lab in
            let f = RegisterFixtures(lab: lab)
            let customer = try await lab.customer()
            let other = try await lab.customer()
            for (serial, due) in [("O-30", -30), ("O-50", -50), ("O-10", -10), ("O-40", -40), ("O-20", -20)] {
                try await f.certificate(try await f.instrument(customer.id, serial: serial), .pass, serviceOn: -400, validUntil: due)
            }
            for (serial, due) in [("S-20", 20), ("S-5", 5)] {
                try await f.certificate(try await f.instrument(customer.id, serial: serial), .pass, serviceOn: -300, validUntil: due)
            }
            try await f.certificate(try await f.instrument(customer.id, serial: "P-90"), .pass, serviceOn: -10, validUntil: 90)
            try await f.certificate(try await f.instrument(customer.id, serial: "X-F"), .fail, serviceOn: -3)
            _ = try await f.instrument(customer.id, serial: "N-1")
            try await f.certificate(try await f.instrument(other.id, serial: "THEIRS"), .pass, serviceOn: -400, validUntil: -45)

            #expect(try await pages(lab, "/v1/instruments?status=overdue&limit=2", token: customer.key)
                == [["O-50", "O-40"], ["O-30", "O-20"], ["O-10"]])
            #expect(try await pages(lab, "/v1/instruments?status=due_soon&limit=1", token: customer.key) == [["S-5"], ["S-20"]])
            #expect(try await pages(lab, "/v1/instruments?status=in_period", token: customer.key) == [["P-90"]])
            #expect(try await pages(lab, "/v1/instruments?status=failed", token: customer.key) == [["X-F"]])
            #expect(try await pages(lab, "/v1/instruments?status=no_due_date", token: customer.key) == [["N-1"]])
            // Everything, in order of registration, three at a time.
            let all = try await pages(lab, "/v1/instruments?limit=3", token: customer.key)
            #expect(all.map(\.count) == [3, 3, 3, 1])
            #expect(all.flatMap { $0 } == ["O-30", "O-50", "O-10", "O-40", "O-20", "S-20", "S-5", "P-90", "X-F", "N-1"])
            // Staff across customers, by due date; and by customer.
            #expect(try await pages(lab, "/v1/instruments?status=overdue&limit=4", token: lab.adminToken)
                == [["O-50", "THEIRS", "O-40", "O-30"], ["O-20", "O-10"]])
            #expect(try await pages(lab, "/v1/instruments?status=overdue&customerId=\(other.id)", token: lab.adminToken) == [["THEIRS"]])
            let statuses = try await lab.api.get("/v1/instruments?limit=500", token: customer.key).array("items").compactMap { $0["status"]?.stringValue }
            #expect(statuses == ["overdue", "overdue", "overdue", "overdue", "overdue", "due_soon", "due_soon", "in_period", "failed", "no_due_date"])
            #expect(try await lab.api.get("/v1/instruments?cursor=bogus", token: customer.key).status == .unprocessableContent)
        }
    }
}

/// A withdrawn certificate (nonconforming work) stays in the history, and the instrument falls back to the certificate in
/// force before it.
@Suite("Withdrawal in the register")
struct WithdrawalTests {
    @Test func aWithdrawnCertificateLeavesTheHistoryAndTheDueDateFallsBack() async throws {
        try await TestLab.run { lab in
            let f = RegisterFixtures(lab: lab)
            let customer = try await lab.customer()
            let id = try await f.instrument(customer.id, serial: "W-1")
            try await f.certificate(id, .pass, serviceOn: -400, validUntil: -35)
            let newest = try await f.certificate(id, .pass, serviceOn: -30, validUntil: 335)
            #expect(try await lab.api.get("/v1/instruments/\(id)", token: customer.key).string("nextDueOn") == RegisterFixtures.day(335))
            let store = f.store
            try await lab.database.transaction { connection in
                try await store.certificateWithdrawn(certificateId: newest, on: connection, audit: .system)
                try await store.certificateWithdrawn(certificateId: UUID(), on: connection, audit: .system)  // unknown: nothing
            }
            let after = try await lab.api.get("/v1/instruments/\(id)", token: customer.key)
            #expect(try after.string("nextDueOn") == RegisterFixtures.day(-35))
            #expect(try after.string("status") == "overdue")
            #expect(try after.array("history").map { $0["status"]?.stringValue } == ["withdrawn", "issued"])
        }
    }
}
