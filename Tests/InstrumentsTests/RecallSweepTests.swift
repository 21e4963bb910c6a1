import Accounts
import Foundation
import Instruments
import LIMSCore
import LIMSServer
import LIMSTestSupport
import PostgresNIO
import Testing

/// The recall sweep sends `instrument.due_soon` and `instrument.overdue` exactly once per instrument and due date, however
/// many sweeps run at the same moment: the database's key decides, not any process's memory.
@Suite("Recall sweep")
struct RecallSweepTests {
    func events(_ lab: TestLab, customerId: UUID) async throws -> [(type: String, instrumentId: UUID, dueOn: String)] {
        let rows = try await lab.database.client.query(
            """
            SELECT type, subject_id, data ->> 'dueOn' FROM customer_events
            WHERE customer_id = \(customerId) AND type LIKE 'instrument.%' ORDER BY seq
            """,
            logger: lab.database.logger
        )
        var found: [(String, UUID, String)] = []
        for try await row in rows.decode((String, UUID, String).self) { found.append(row) }
        return found
    }

    @Test func concurrentSweepsSendExactlyOneNoticeOfEachKindPerInstrumentAndDueDate() async throws {
        try await TestLab.run { lab in
            let fixtures = RegisterFixtures(lab: lab)
            let customer = try await lab.customer()
            // 7 overdue, 6 due within the default 30-day lead, 3 in period, 2 failed, 2 never serviced.
            var overdue: [UUID] = []
            var dueSoon: [UUID] = []
            for index in 0..<7 {
                let id = try await fixtures.instrument(customer.id, serial: "OVER-\(index)")
                try await fixtures.certificate(id, .pass, serviceOn: -400 - index, validUntil: -35 - index)
                overdue.append(id)
            }
            for index in 0..<6 {
                let id = try await fixtures.instrument(customer.id, serial: "SOON-\(index)")
                try await fixtures.certificate(id, .pass, serviceOn: -300, validUntil: index * 5)
                dueSoon.append(id)
            }
            for index in 0..<3 {
                let id = try await fixtures.instrument(customer.id, serial: "FINE-\(index)")
                try await fixtures.certificate(id, .pass, serviceOn: -10, validUntil: 31 + index * 100)
            }
            for index in 0..<2 {
                let id = try await fixtures.instrument(customer.id, serial: "FAIL-\(index)")
                try await fixtures.certificate(id, .fail, serviceOn: -20)
                _ = try await fixtures.instrument(customer.id, serial: "NEW-\(index)")
            }
            let store = fixtures.store
            // Small batches, so the sweeps go round their loop and meet each other's uncommitted notices.
            let summaries = try await withThrowingTaskGroup(of: RecallSweep.Summary.self) { group in
                for _ in 0..<6 { group.addTask { try await RecallSweep(store: store, batchSize: 2).run() } }
                return try await group.reduce(into: [RecallSweep.Summary]()) { $0.append($1) }
            }
            #expect(summaries.reduce(0) { $0 + $1.overdue } == 7)
            #expect(summaries.reduce(0) { $0 + $1.dueSoon } == 6)

            let sent = try await events(lab, customerId: customer.id)
            #expect(sent.filter { $0.type == "instrument.overdue" }.map(\.instrumentId).sorted { $0.uuidString < $1.uuidString }
                == overdue.sorted { $0.uuidString < $1.uuidString })
            #expect(sent.filter { $0.type == "instrument.due_soon" }.map(\.instrumentId).sorted { $0.uuidString < $1.uuidString }
                == dueSoon.sorted { $0.uuidString < $1.uuidString })

            // Sweeping again sends nothing more.
            #expect(try await RecallSweep(store: store).run() == .init(dueSoon: 0, overdue: 0))
            #expect(try await events(lab, customerId: customer.id).count == 13)

            // The due-soon gauge is verified again: its new due date gets its own notices when it comes round; an overdue one
            // is verified again and is in period.
            try await fixtures.certificate(dueSoon[0], .pass, serviceOn: 0, validUntil: 20)
            try await fixtures.certificate(overdue[0], .pass, serviceOn: 0, validUntil: 365)
            #expect(try await RecallSweep(store: store).run() == .init(dueSoon: 1, overdue: 0))
            // Days later, as of the day after the new due date, it is overdue: one notice for that date.
            let later = LabFlow.today(offsetDays: 21)
            let pass = try await withThrowingTaskGroup(of: RecallSweep.Summary.self) { group in
                for _ in 0..<4 { group.addTask { try await RecallSweep(store: store).run(today: later) } }
                return try await group.reduce(into: [RecallSweep.Summary]()) { $0.append($1) }
            }
            // By then dueSoon[1...4] (due in 5, 10, 15, 20 days) and dueSoon[0] at its new date (20) have fallen due.
            #expect(pass.reduce(0) { $0 + $1.overdue } == 5)
            let second = try await events(lab, customerId: customer.id).filter { $0.instrumentId == dueSoon[0] }
            #expect(second.map(\.type) == ["instrument.due_soon", "instrument.due_soon", "instrument.overdue"])
            #expect(second.map(\.dueOn) == [LabFlow.today(), LabFlow.today(offsetDays: 20), LabFlow.today(offsetDays: 20)])

            // The notices themselves are append-only for the server's role.
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("DELETE FROM instrument_recall_notices", logger: lab.database.logger)
            }
        }
    }

    @Test func theCustomerSeesItsNoticesInItsFeedAndDueSoonFollowsItsReminderLead() async throws {
        try await TestLab.run { lab in
            let fixtures = RegisterFixtures(lab: lab)
            let customer = try await lab.customer()
            let id = try await fixtures.instrument(customer.id, serial: "LEAD-1")
            try await fixtures.certificate(id, .pass, serviceOn: -300, validUntil: 45)
            #expect(try await lab.api.get("/v1/instruments/\(id)", token: customer.key).string("status") == "in_period")
            #expect(try await RecallSweep(store: fixtures.store).run().total == 0)
            // With a 60-day lead, a due date 45 days away is due soon, in the list, the report and the sweep.
            try await fixtures.reminderLead(customer.id, days: 60)
            #expect(try await lab.api.get("/v1/customers/\(customer.id)", token: lab.adminToken).number("reminderLeadDays") == 60)
            #expect(try await lab.api.get("/v1/instruments/\(id)", token: customer.key).string("status") == "due_soon")
            #expect(try await lab.api.get("/v1/instruments?status=due_soon", token: lab.adminToken).array("items").count == 1)
            #expect(try await lab.api.get("/v1/instruments?status=in_period", token: lab.adminToken).array("items").isEmpty)
            #expect(try await RecallSweep(store: fixtures.store).run() == .init(dueSoon: 1, overdue: 0))
            let feed = try await lab.api.get("/v1/events", token: customer.key)
            let notice = try #require(try feed.array("items").first { $0["type"]?.stringValue == "instrument.due_soon" })
            #expect(notice["subjectId"]?.stringValue.flatMap(UUID.init(uuidString:)) == id)
            #expect(notice["data"]?["dueOn"]?.stringValue == LabFlow.today(offsetDays: 45))
            #expect(notice["data"]?["serialNumber"]?.stringValue == "LEAD-1")
            let invalid = try await lab.api.request(
                .patch, "/v1/customers/\(customer.id)", token: lab.adminToken, body: TestAPI.encode(.object(["reminderLeadDays": .number(400)]))
            )
            #expect(invalid.problemFields == ["reminderLeadDays"])
            let notAdmin = try await lab.api.request(
                .patch, "/v1/customers/\(customer.id)", token: customer.key, body: TestAPI.encode(.object(["reminderLeadDays": .number(10)]))
            )
            #expect(notAdmin.status == .forbidden)
        }
    }

    @Test(.enabled(if: LIMSChild.binary != nil))
    func limsRecallRunRunsOnePass() async throws {
        try await TestLab.run { lab in
            let fixtures = RegisterFixtures(lab: lab)
            let customer = try await lab.customer()
            let id = try await fixtures.instrument(customer.id, serial: "CLI-1")
            try await fixtures.certificate(id, .pass, serviceOn: -400, validUntil: -5)
            func run() throws -> String {
                try LIMSChild.run(["recall", "run"], environment: [
                    "DATABASE_URL": lab.databaseURL.description, "LIMS_MIGRATION_DATABASE_URL": lab.ownerURL.description,
                ]).output
            }
            let first = try run()
            #expect(first.contains("0 due-soon and 1 overdue"), "\(first)")
            let second = try run()
            #expect(second.contains("0 due-soon and 0 overdue"), "\(second)")
            #expect(try await events(lab, customerId: customer.id).map(\.type) == ["instrument.overdue"])
        }
    }
}
