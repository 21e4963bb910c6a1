import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

/// The job pages' server-side rules: the API's roles and four eyes, 404 pages, and a measurement form that keeps what
/// was typed and names each problem beside its field.
@Suite("Console jobs")
struct ConsoleJobTests {
    static func formToken(_ browser: inout TestBrowser, _ path: String) async throws -> String {
        let page = try await browser.send(.get, path)
        return try #require(TestBrowser.formToken(in: page.text), "no form on \(path)")
    }

    static func jobState(_ lab: TestLab, _ jobId: String) async throws -> String {
        try await lab.api.get("/v1/jobs/\(jobId)", token: lab.adminToken).string("state")
    }

    @Test func claimingNeedsTheTechnicianRoleAndAnotherRoleChangesNothing() async throws {
        try await TestLab.run { lab in
            let receptionist = try await lab.staff(["receptionist"])
            var browser = TestBrowser(api: lab.api)
            try await browser.signIn(lab, userId: receptionist.id)
            let queue = try await browser.send(.get, "/console/jobs")
            #expect(queue.status == .ok)
            #expect(!queue.text.contains("Claim next job"), "the button is not offered")
            let token = try await Self.formToken(&browser, "/console")
            let refused = try await browser.send(.post, "/console/jobs/claim", form: [("_csrf", token)])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Not allowed"))
        }
    }

    @Test func aJobThatDoesNotExistIsA404Page() async throws {
        try await TestLab.run { lab in
            let technician = try await lab.staff(["technician"])
            var browser = TestBrowser(api: lab.api)
            try await browser.signIn(lab, userId: technician.id)
            for path in ["/console/jobs/\(UUID())", "/console/jobs/not-a-uuid", "/console/certificates/\(UUID())"] {
                let page = try await browser.send(.get, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.text.contains("Page not found"))
            }
        }
    }

    @Test func theHolderSavesADraftAndAnIncompleteFormIsShownAgainWithItsProblems() async throws {
        try await TestLab.run { lab in
            let flow = try await LabFlow.prepare(lab)
            var browser = TestBrowser(api: lab.api)
            try await browser.signIn(lab, userId: flow.technician.id)
            let path = "/console/jobs/\(flow.jobId)"
            let page = try await browser.send(.get, path)
            #expect(page.text.contains("Save draft") && page.text.contains("Submit for review") && page.text.contains("Add point"))
            let token = try #require(TestBrowser.formToken(in: page.text))
            var fields: [(String, String)] = [
                ("_csrf", token), ("equipmentIds", flow.equipmentId), ("environment.relativeHumidityPct", "45"),
                ("points[0].nominal", "10"), ("points[0].reference", "10.000"), ("points[0].readings", "10.012\n10.014\n10.013"),
                ("points[0].resolution", "0.001"), ("points[0].budget[0].name", "reference standard"), ("points[0].budget[0].type", "B"),
                ("points[0].budget[0].expandedUncertainty", "0.004"), ("points[0].budget[0].coverageFactor", "two"), ("action", "save"),
            ]
            // Without JavaScript, `Add point` shows the form again with one more point and keeps what was typed.
            let added = try await browser.send(.post, "\(path)/measurements", form: fields.map { $0.0 == "action" ? ("action", "addPoint") : $0 })
            #expect(added.status == .ok)
            #expect(added.text.contains("<legend>Point 2</legend>") && !added.text.contains("<legend>Point 3</legend>"))
            #expect(added.text.contains(#"name="points[1].nominal""#) && added.text.contains("reference standard"))
            let invalid = try await browser.send(.post, "\(path)/measurements", form: fields)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains(#"id="environment-temperatureC-error""#), "the missing temperature is named beside its field")
            #expect(invalid.text.contains(#"id="points-0-budget-0-coverageFactor-error""#), "so is the coverage factor that is no number")
            #expect(invalid.text.contains(#"role="alert""#))
            #expect(invalid.text.contains("10.012\n10.014\n10.013"), "what was typed is kept")
            #expect(try await lab.api.get("/v1/jobs/\(flow.jobId)/measurements", token: lab.adminToken).status == .notFound, "nothing saved")

            fields = fields.map { $0.0 == "points[0].budget[0].coverageFactor" ? ($0.0, "2") : $0 } + [("environment.temperatureC", "20.1")]
            let saved = try await browser.send(.post, "\(path)/measurements", form: fields)
            #expect(saved.status == .seeOther)
            let record = try await lab.api.get("/v1/jobs/\(flow.jobId)/measurements", token: lab.adminToken)
            try record.expect(.ok)
            #expect(try record.string("points.0.meanIndication") == "10.0130")
            #expect(try record.string("points.0.budgetInput.0.name") == "reference standard")
            let shown = try await browser.send(.get, path)
            #expect(shown.text.contains("10.0130 MPa"), "the derived mean is shown after saving")
            #expect(try await Self.jobState(lab, flow.jobId) == "claimed")
        }
    }

    @Test func thePerformerIsNotOfferedTheReviewAndIsRefusedIfTheyPostIt() async throws {
        try await TestLab.run { lab in
            let flow = try await LabFlow.prepare(lab)
            // The performer holds the reviewer role too, and authorisations to perform and to review the service.
            let dual = try await lab.staff(["technician", "reviewer"], name: "Lin Both")
            for activity in ["perform", "review"] {
                try await lab.api.post(
                    "/v1/users/\(dual.id)/authorizations", token: lab.adminToken,
                    json: ["serviceCode": .string(flow.serviceCode), "activity": .string(activity), "validUntil": .string(LabFlow.today(offsetDays: 30))]
                ).expect(.created)
            }
            try await lab.api.post("/v1/jobs/\(flow.jobId)/release", token: flow.technician.token).expect(.ok)
            try await lab.api.post("/v1/jobs/claim", token: dual.token, json: [:]).expect(.ok)
            try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: dual.token, json: flow.measurementBody()).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: dual.token).expect(.ok)
            var performer = TestBrowser(api: lab.api)
            try await performer.signIn(lab, userId: dual.id)
            let own = try await performer.send(.get, "/console/jobs/\(flow.jobId)")
            #expect(own.status == .ok)
            #expect(!own.text.contains(">Approve<") && !own.text.contains(">Reject<"))
            #expect(own.text.contains("its review and signing are for someone else"))
            let token = try #require(TestBrowser.formToken(in: own.text))
            let refused = try await performer.send(.post, "/console/jobs/\(flow.jobId)/review", form: [("_csrf", token), ("decision", "approve")])
            #expect(refused.status == .forbidden)
            #expect(try await Self.jobState(lab, flow.jobId) == "in_review")

            var reviewer = TestBrowser(api: lab.api)
            try await reviewer.signIn(lab, userId: flow.reviewer.id)
            let page = try await reviewer.send(.get, "/console/jobs/\(flow.jobId)")
            #expect(page.text.contains(">Approve<") && page.text.contains(">Reject<"))
            let reviewToken = try #require(TestBrowser.formToken(in: page.text))
            let noComment = try await reviewer.send(.post, "/console/jobs/\(flow.jobId)/review", form: [("_csrf", reviewToken), ("decision", "reject")])
            #expect(noComment.status == .unprocessableContent)
            #expect(noComment.text.contains(#"id="comment-error""#))
            let approved = try await reviewer.send(.post, "/console/jobs/\(flow.jobId)/review", form: [("_csrf", reviewToken), ("decision", "approve")])
            #expect(approved.status == .seeOther)
            #expect(try await Self.jobState(lab, flow.jobId) == "awaiting_signature")
        }
    }

    @Test func theSignatorySeesThePreviewAndSigningLeadsToTheIssuedCertificate() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            var signatory = TestBrowser(api: lab.api)
            try await signatory.signIn(lab, userId: flow.signatory.id)
            let page = try await signatory.send(.get, "/console/jobs/\(flow.jobId)")
            #expect(page.text.contains("Sign certificate"))
            #expect(page.text.contains("No. PREVIEW"), "the preview is the document as it will be issued, not yet numbered")
            let token = try #require(TestBrowser.formToken(in: page.text))
            let signed = try await signatory.send(.post, "/console/jobs/\(flow.jobId)/sign", form: [("_csrf", token)])
            #expect(signed.status == .seeOther)
            let location = try #require(signed.headers[.location])
            #expect(location.hasPrefix("/console/certificates/"))
            let certificate = try await signatory.send(.get, location)
            #expect(certificate.status == .ok)
            #expect(certificate.text.contains("CERT-"))
            #expect(try await Self.jobState(lab, flow.jobId) == "certified")
            let html = try await signatory.send(.get, location + "/document.html")
            #expect(html.status == .ok)
            #expect(html.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true, "the stored document is served as a document")
        }
    }
}
