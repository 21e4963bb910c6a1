import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@testable import Certification

@Suite("Certification refuses what a lab must not do")
struct RefusalTests {
    @Test func performerMayNeitherReviewNorSignOwnWork() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            // The technician also holds reviewer and signatory roles and authorisations: still refused.
            try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody()).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
            let both = try await lab.staff(["reviewer", "signatory", "technician"])
            for activity in ["review", "sign"] {
                try await lab.api.post(
                    "/v1/users/\(flow.technician.id)/authorizations", token: lab.adminToken,
                    json: ["serviceCode": .string(flow.serviceCode), "activity": .string(activity), "validUntil": .string(LabFlow.today(offsetDays: 30))]
                ).expect(.created)
            }
            _ = both
            let selfReview = try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.technician.token, json: ["decision": .string("approve")])
            #expect(selfReview.status == .forbidden)  // no reviewer role at all
            // Give the performer the roles too (a small lab), and check the four-eyes rule itself.
            try await lab.database.client.query(
                "UPDATE staff_users SET roles = ARRAY['technician','reviewer','signatory'] WHERE id = \(flow.technician.id)", logger: lab.database.logger
            )
            let fourEyes = try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.technician.token, json: ["decision": .string("approve")])
            #expect(fourEyes.status == .forbidden)
            #expect(try fourEyes.string("detail").contains("Four eyes"))
            try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
            #expect(try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.technician.token).status == .forbidden)
            // Signing out of order: the reviewer's approval already happened, so a second review is a state conflict.
            #expect(try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).status == .conflict)
        }
    }

    @Test func unauthorisedSignatoryIsRefused() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let unauthorised = try await lab.staff(["signatory"])
            #expect(try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: unauthorised.token).status == .forbidden)
            let expired = try await lab.staff(["signatory"])
            try await lab.api.post(
                "/v1/users/\(expired.id)/authorizations", token: lab.adminToken,
                json: ["serviceCode": .string(flow.serviceCode), "activity": .string("sign"), "validUntil": .string(LabFlow.today(offsetDays: -1))]
            ).expect(.created)
            #expect(try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: expired.token).status == .forbidden)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token).expect(.created)
        }
    }

    @Test func overdueOrUnregisteredEquipmentCannotBeCited() async throws {
        try await TestLab.run { lab in
            let flow = try await LabFlow.prepare(lab)
            let overdue = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: ["assetTag": .string("OLD-1"), "name": .string("Old gauge"), "manufacturer": .string("X"), "model": .string("Y"),
                       "serialNumber": .string("Z"), "quantity": .string("pressure"), "range": .string("0-10"), "serviceCodes": .array([.string(flow.serviceCode)])]
            )
            let overdueId = try overdue.string("id")
            try await lab.api.post(
                "/v1/equipment/\(overdueId)/calibrations", token: lab.adminToken,
                json: ["certificateNumber": .string("C-OLD"), "calibratedBy": .string("Lab"), "calibratedOn": .string(LabFlow.today(offsetDays: -400)),
                       "dueOn": .string(LabFlow.today(offsetDays: -35)), "traceability": .string("SI")]
            ).expect(.created)
            let refused = try await lab.api.put(
                "/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token,
                json: flow.measurementBody(equipmentIds: [flow.equipmentId, overdueId, UUID().uuidString])
            )
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.problemFields) == ["equipmentIds[1]", "equipmentIds[2]"])
            let badReadings = try await lab.api.put(
                "/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody(readings: ["10.01", "x"])
            )
            #expect(badReadings.problemFields.contains("points[0].readings[1]"))
            let stranger = try await lab.staff(["technician"])
            #expect(try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: stranger.token, json: flow.measurementBody()).status == .forbidden)
        }
    }

    @Test func signingWithoutAKeyIsRefusedAndNothingIsIssued() async throws {
        try await TestLab.run { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let refused = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            #expect(refused.status == .serviceUnavailable)
            #expect(try await lab.api.get("/v1/certificates?orderId=\(flow.orderId)", token: lab.adminToken).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/jobs/\(flow.jobId)", token: lab.adminToken).string("state") == "awaiting_signature")
        }
    }

    @Test func failedVerificationBecomesAResultNoticeListingTheFailingPoints() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification", mpe: "0.005")
            try await flow.measureSubmitReview()
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            #expect(try signed.string("document.documentKind") == "verification-result-notice")
            #expect(try signed.array("document.failingPoints") == [.number(1)])
            #expect(signed.value("document.validUntil") == nil || signed.value("document.validUntil") == .null)
            #expect(try signed.string("document.decisionRule").hasPrefix("simple"))
        }
    }

    @Test func passedVerificationStatesItsValidUntilDate() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification", mpe: "0.05")
            try await flow.measureSubmitReview()
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            #expect(try signed.string("document.documentKind") == "verification-certificate")
            let validUntil = try signed.string("document.validUntil")
            #expect(validUntil > LabFlow.today(offsetDays: 300) && validUntil < LabFlow.today(offsetDays: 400))
        }
    }

    @Test func reviewRejectionSendsTheWorkBackToThePerformer() async throws {
        try await TestLab.run { lab in
            let flow = try await LabFlow.prepare(lab)
            try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody()).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
            #expect(try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("reject")]).problemFields == ["comment"])
            let back = try await lab.api.post(
                "/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("reject"), "comment": .string("Repeat point 1")]
            )
            #expect(try back.string("state") == "claimed")
            try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody()).expect(.ok)
        }
    }

    @Test func aReviewsDecisionAndCommentAreAudited() async throws {
        try await TestLab.run { lab in
            let flow = try await LabFlow.prepare(lab)
            try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody()).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
            try await lab.api.post(
                "/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token,
                json: ["decision": .string("reject"), "comment": .string("Point 2 readings look transposed")]
            ).expect(.ok)
            let audit = try await lab.api.get("/v1/audit?entity=job&entityId=\(flow.jobId)&action=job.reviewed", token: lab.adminToken)
            try audit.expect(.ok)
            #expect(try audit.array("items").count == 1)
            #expect(try audit.string("items.0.after.decision") == "reject")
            #expect(try audit.string("items.0.after.comment") == "Point 2 readings look transposed")
            #expect(try audit.string("items.0.actor.name") == "Mei Reviewer")
        }
    }
}
