import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

@testable import Certification

@Suite("Signing refuses a certificate with a missing fact")
struct SigningFactsTests {
    @Test func aStandardNotCalibratedOnTheMeasurementDateRefusesSigningAndWritesNothing() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let assetTag = try await lab.api.get("/v1/equipment/\(flow.equipmentId)", token: lab.adminToken).string("assetTag")
            // The standard's only calibration turns out to have expired before the measurement (e.g. a corrected record).
            try await lab.sql(
                """
                UPDATE equipment_calibrations SET calibrated_on = current_date - 400, due_on = current_date - 35
                WHERE equipment_id = \(UUID(uuidString: flow.equipmentId)!)
                """
            )

            let refused = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            #expect(refused.status == .conflict)
            #expect(refused.problemFields == ["equipment[\(assetTag)].calibration"])
            try await expectNothingWritten(lab, flow)

            // With the calibration that covers the date back on record, the same signing succeeds with the first number:
            // the refusal took no certificate number.
            try await lab.sql(
                """
                UPDATE equipment_calibrations SET calibrated_on = current_date - 30, due_on = current_date + 335
                WHERE equipment_id = \(UUID(uuidString: flow.equipmentId)!)
                """
            )
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            #expect(try signed.string("number") == "CERT-\(Calendar(identifier: .gregorian).component(.year, from: Date()))-000001")
            #expect(try signed.array("document.referenceEquipment").count == 1)
        }
    }

    @Test func everyMissingFactIsNamedAtOnce() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let equipmentId = UUID(uuidString: flow.equipmentId)!
            let assetTag = try await lab.api.get("/v1/equipment/\(flow.equipmentId)", token: lab.adminToken).string("assetTag")
            // No receipt on record for the item, and no calibration at all for the cited standard.
            try await lab.sql("DELETE FROM item_receipts WHERE item_id = \(UUID(uuidString: flow.itemId)!)")
            try await lab.sql("DELETE FROM equipment_calibrations WHERE equipment_id = \(equipmentId)")

            let refused = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            #expect(refused.status == .conflict)
            #expect(
                Set(refused.problemFields)
                    == ["item.labNumber", "item.receivedAt", "item.conditionOnReceipt", "equipment[\(assetTag)].calibration"]
            )
            try await expectNothingWritten(lab, flow)
        }
    }

    /// No certificate, no audit or customer event of one, the job still awaiting signature and the item still in test.
    func expectNothingWritten(_ lab: TestLab, _ flow: LabFlow) async throws {
        #expect(try await lab.count("SELECT count(*) FROM certificates") == 0)
        #expect(try await lab.count("SELECT count(*) FROM audit_events WHERE action = 'certificate.issued'") == 0)
        #expect(try await lab.count("SELECT count(*) FROM customer_events WHERE type = 'certificate.issued'") == 0)
        let states = try await lab.database.client.query(
            "SELECT state FROM jobs WHERE id = \(UUID(uuidString: flow.jobId)!)", logger: lab.database.logger
        )
        #expect(try await states.decode(String.self).reduce(into: [String]()) { $0.append($1) } == ["awaiting_signature"])
        let items = try await lab.database.client.query(
            "SELECT status FROM order_items WHERE id = \(UUID(uuidString: flow.itemId)!)", logger: lab.database.logger
        )
        #expect(try await items.decode(String.self).reduce(into: [String]()) { $0.append($1) } == ["in_test"])
    }
}

extension TestLab {
    func sql(_ query: PostgresQuery) async throws {
        try await database.client.query(query, logger: database.logger)
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        for try await count in try await database.client.query(query, logger: database.logger).decode(Int.self) { return count }
        return -1
    }
}
