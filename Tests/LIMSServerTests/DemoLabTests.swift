import Foundation
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Testing

@Suite("The demo lab")
struct DemoLabTests {
    @Test func seedsAWorkingLabOnceAndOnlyOnce() async throws {
        try await TestLab.run { lab in
            let report = try await DemoLab(configuration: lab.configuration, database: lab.database).seed()
            #expect(report.contains("Demo lab created."))
            #expect(report.contains("ck_"))  // the customers' API keys are printed once
            let again = try await DemoLab(configuration: lab.configuration, database: lab.database).seed()
            #expect(again.contains("already exists"))
            #expect(!again.contains("ck_"))

            let orders = try await lab.api.get("/v1/orders?limit=50", token: lab.adminToken)
            let statuses = Set(try orders.array("items").compactMap { $0["status"]?.stringValue })
            #expect(statuses == ["submitted", "rejected", "accepted", "in_progress", "completed"])
            let certificates = try await lab.api.get("/v1/certificates", token: lab.adminToken)
            // The completed order's verification certificate, and the failed boiler gauge's verification result notice.
            #expect(try certificates.array("items").count == 2)
            let equipment = try await lab.api.get("/v1/equipment", token: lab.adminToken)
            #expect(try equipment.array("items").count == 5)
            // One open nonconformity: the check standard was found out of tolerance; the boiler gauge's notice rests on it.
            let open = try await lab.api.get("/v1/nonconformities?status=open", token: lab.adminToken).array("items")
            #expect(open.count == 1)
            if case .array(let certificates)? = open.first?["certificates"] { #expect(!certificates.isEmpty) } else { Issue.record("no certificates") }
            let invoices = try await lab.api.get("/v1/invoices", token: lab.adminToken)
            #expect(try invoices.array("items").count == 2)  // the completed orders' invoices, issued as they completed
            // The running order: its balance waits in the queue, its pressure gauge was measured and awaits review.
            let jobs = try await lab.api.get("/v1/jobs?state=queued", token: lab.adminToken)
            #expect(try jobs.array("items").count == 1, "\(jobs.text)")
            let inReview = try await lab.api.get("/v1/jobs?state=in_review", token: lab.adminToken)
            #expect(try inReview.array("items").count == 1)
            #expect(try inReview.string("items.0.serviceCode") == "PG-CAL")
            // The instrument register shows every status, a failed mandatory verification among them.
            let instruments = try await lab.api.get("/v1/instruments?limit=500", token: lab.adminToken).array("items")
            #expect(Set(instruments.compactMap { $0["status"]?.stringValue }) == ["in_period", "due_soon", "overdue", "failed", "no_due_date"])
            #expect(instruments.contains { $0["status"]?.stringValue == "failed" && $0["mandatoryVerificationCategory"]?.stringValue == "safety_protection" })
        }
    }
}
