import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

/// Reverse traceability and nonconforming work (ISO/IEC 17025 §6.4.13, §7.10): the certificates a reference standard
/// touched, and a nonconformity that suspends it, tells the customers and records a final disposition per certificate.
@Suite("Reverse traceability and nonconformities")
struct ReverseTraceabilityTests {
    /// Signs a certificate for a further job of `base`'s service whose measurements cite `equipmentIds`, measured on
    /// `measuredOn` (history is set as the owner: the lab's past work, not something the API lets anyone change).
    func certificate(
        _ lab: TestLab, base: LabFlow, customer: (id: UUID, key: String), citing equipmentIds: [String], measuredOn: String
    ) async throws -> (id: String, number: String, flow: LabFlow) {
        let flow = try await LabFlow.prepare(lab, serviceCode: base.serviceCode, customer: customer)
        try await lab.api.put(
            "/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody(equipmentIds: equipmentIds + [flow.equipmentId])
        ).expect(.ok)
        try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
        try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
        let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
        try signed.expect(.created)
        try await lab.asOwner("UPDATE measurements SET measured_on = \(measuredOn)::date WHERE job_id = \(UUID(uuidString: flow.jobId)!)")
        return (try signed.string("id"), try signed.string("number"), flow)
    }

    func ids(_ response: APIResponse, _ path: String = "certificates") throws -> [String] {
        try response.array(path).compactMap { ($0["id"] ?? $0["certificateId"])?.stringValue?.lowercased() }
    }

    @Test func impactListsExactlyTheCurrentCertificatesInTheWindow() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let base = try await LabFlow.prepare(lab)
            let suspect = base.equipmentId
            let other = try await lab.customer()
            let before = try await certificate(lab, base: base, customer: base.customer, citing: [suspect], measuredOn: LabFlow.today(offsetDays: -41))
            let first = try await certificate(lab, base: base, customer: other, citing: [suspect], measuredOn: LabFlow.today(offsetDays: -40))
            let later = try await certificate(lab, base: base, customer: base.customer, citing: [suspect], measuredOn: LabFlow.today(offsetDays: -3))
            let unrelated = try await certificate(lab, base: base, customer: other, citing: [], measuredOn: LabFlow.today(offsetDays: -10))
            // The later one is amended: it counts once, at its current revision.
            let amended = try await lab.api.post(
                "/v1/certificates/\(later.id)/amend", token: later.flow.signatory.token, json: ["reason": .string("Typo in the model")]
            )
            try amended.expect(.created)
            let current = try amended.string("id").lowercased()

            let window = try await lab.api.get("/v1/equipment/\(suspect)/impact?since=\(LabFlow.today(offsetDays: -40))", token: lab.adminToken)
            try window.expect(.ok)
            #expect(try ids(window) == [first.id.lowercased(), current])
            #expect(!(try ids(window)).contains(before.id.lowercased()))
            #expect(!(try ids(window)).contains(unrelated.id.lowercased()))
            #expect(!(try ids(window)).contains(later.id.lowercased()))

            // Without `since`: from the last calibration found in tolerance before the one found out of tolerance.
            for (on, due, found) in [(-40, 300, "in_tolerance"), (-1, 360, "out_of_tolerance")] {
                try await lab.api.post(
                    "/v1/equipment/\(suspect)/calibrations", token: lab.adminToken,
                    json: ["certificateNumber": .string("NIM-\(on)"), "calibratedBy": .string("NIM"), "calibratedOn": .string(LabFlow.today(offsetDays: on)),
                           "dueOn": .string(LabFlow.today(offsetDays: due)), "traceability": .string("NIM"), "asFound": .string(found)]
                ).expect(.created)
            }
            let derived = try await lab.api.get("/v1/equipment/\(suspect)/impact", token: lab.adminToken)
            #expect(try derived.string("since") == LabFlow.today(offsetDays: -40))
            #expect(try ids(derived) == [first.id.lowercased(), current])
            // A bad as-found value and a bad date are named.
            let bad = try await lab.api.post(
                "/v1/equipment/\(suspect)/calibrations", token: lab.adminToken,
                json: ["certificateNumber": .string("X"), "calibratedBy": .string("X"), "calibratedOn": .string(LabFlow.today(offsetDays: -1)),
                       "dueOn": .string(LabFlow.today(offsetDays: 30)), "traceability": .string("X"), "asFound": .string("broken")]
            )
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.string("errors.0.field") == "asFound")
            #expect(try await lab.api.get("/v1/equipment/\(suspect)/impact?since=yesterday", token: lab.adminToken).status == .unprocessableContent)
            #expect(try await lab.api.get("/v1/equipment/\(UUID())/impact", token: lab.adminToken).status == .notFound)
            #expect(try await lab.api.get("/v1/equipment/\(suspect)/impact", token: base.customer.key).status == .forbidden)
        }
    }

    @Test func openingIsOneTransaction() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let base = try await LabFlow.prepare(lab)
            _ = try await certificate(lab, base: base, customer: base.customer, citing: [base.equipmentId], measuredOn: LabFlow.today(offsetDays: -2))
            // A failure after the equipment was suspended and the nonconformity written: all of it must roll back.
            try await lab.asOwner("CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END; $$")
            try await lab.asOwner("CREATE TRIGGER test_fail BEFORE INSERT ON nonconformity_certificates FOR EACH ROW EXECUTE FUNCTION test_fail()")
            let failed = try await lab.api.post(
                "/v1/nonconformities", token: lab.adminToken,
                json: ["equipmentId": .string(base.equipmentId), "description": .string("Found 0.3 % high at 60 MPa")]
            )
            #expect(failed.status != .created)
            #expect(try await lab.api.get("/v1/equipment/\(base.equipmentId)", token: lab.adminToken).string("status") == "in_service")
            #expect(try await lab.api.get("/v1/nonconformities", token: lab.adminToken).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/events", token: base.customer.key).array("items").allSatisfy { $0["type"]?.stringValue != "certificate.under_review" })
        }
    }

    @Test func customersAreToldDispositionsAreFinalWithdrawalVerifiesAndTheLastOneCloses() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let base = try await LabFlow.prepare(lab)
            let other = try await lab.customer()
            let bystander = try await lab.customer()
            let mine = try await certificate(lab, base: base, customer: base.customer, citing: [base.equipmentId], measuredOn: LabFlow.today(offsetDays: -5))
            let theirs = try await certificate(lab, base: base, customer: other, citing: [base.equipmentId], measuredOn: LabFlow.today(offsetDays: -4))
            _ = try await certificate(lab, base: base, customer: bystander, citing: [], measuredOn: LabFlow.today(offsetDays: -4))

            #expect(try await lab.api.post("/v1/nonconformities", token: base.technician.token, json: ["description": .string("x")]).status == .forbidden)
            let opened = try await lab.api.post(
                "/v1/nonconformities", token: base.reviewer.token,
                json: ["equipmentId": .string(base.equipmentId), "description": .string("Dropped during transport"), "since": .string(LabFlow.today(offsetDays: -10))]
            )
            try opened.expect(.created)
            let id = try opened.string("id")
            #expect(try opened.string("number").hasPrefix("NC-"))
            #expect(try opened.string("status") == "open")
            #expect(Set(try ids(opened)) == [mine.id.lowercased(), theirs.id.lowercased()])
            #expect(try await lab.api.get("/v1/equipment/\(base.equipmentId)", token: lab.adminToken).string("status") == "out_of_service")

            func reviews(_ key: String) async throws -> [String] {
                try await lab.api.get("/v1/events?limit=200", token: key).array("items")
                    .filter { $0["type"]?.stringValue == "certificate.under_review" }.compactMap { $0["subjectId"]?.stringValue?.lowercased() }
            }
            #expect(try await reviews(base.customer.key) == [mine.id.lowercased()])
            #expect(try await reviews(other.key) == [theirs.id.lowercased()])
            #expect(try await reviews(bystander.key).isEmpty)

            let withdrawn = try await lab.api.put(
                "/v1/nonconformities/\(id)/certificates/\(mine.id)", token: base.signatory.token,
                json: ["disposition": .string("withdraw"), "justification": .string("Error exceeds the MPE once corrected")]
            )
            try withdrawn.expect(.ok)
            #expect(try withdrawn.string("status") == "open")
            let stored = try await lab.api.get("/v1/certificates/\(mine.id)", token: lab.adminToken)
            #expect(try stored.string("status") == "withdrawn")
            let verified = try await lab.api.get("/v1/certificates/verify?number=\(mine.number)&digest=\(try stored.string("digest"))")
            #expect(try verified.string("status") == "withdrawn")
            #expect(try await lab.api.get("/v1/events?limit=200", token: base.customer.key).array("items").contains { $0["type"]?.stringValue == "certificate.withdrawn" })
            #expect(!(try await lab.api.get("/v1/events?limit=200", token: other.key).array("items").contains { $0["type"]?.stringValue == "certificate.withdrawn" }))

            let again = try await lab.api.put(
                "/v1/nonconformities/\(id)/certificates/\(mine.id)", token: base.signatory.token,
                json: ["disposition": .string("no_impact"), "justification": .string("Second thoughts")]
            )
            #expect(again.status == .conflict)
            let missing = try await lab.api.put(
                "/v1/nonconformities/\(id)/certificates/\(theirs.id)", token: base.signatory.token, json: ["disposition": .string("maybe")]
            )
            #expect(missing.status == .unprocessableContent)
            #expect(Set(try missing.array("errors").compactMap { $0["field"]?.stringValue }) == ["disposition", "justification"])

            let last = try await lab.api.put(
                "/v1/nonconformities/\(id)/certificates/\(theirs.id)", token: base.reviewer.token,
                json: ["disposition": .string("no_impact"), "justification": .string("Measured below 10 MPa, where the standard was in tolerance")]
            )
            try last.expect(.ok)
            #expect(try last.string("status") == "closed")
            #expect(last.value("closedAt") != nil)
            #expect(try await lab.api.get("/v1/certificates/\(theirs.id)", token: lab.adminToken).string("status") == "issued")
            let audit = try await lab.api.get("/v1/audit?entity=nonconformity&entityId=\(id)", token: lab.adminToken)
            #expect(Set(try audit.array("items").compactMap { $0["action"]?.stringValue }) == ["nonconformity.opened", "nonconformity.disposition_given", "nonconformity.closed"])
        }
    }

    @Test func twoPeopleOpeningNonconformitiesForOneStandardAtOnceEachGetTheWholeList() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let base = try await LabFlow.prepare(lab)
            var expected: Set<String> = []
            for offset in [-6, -4, -2] {
                expected.insert(
                    try await certificate(lab, base: base, customer: base.customer, citing: [base.equipmentId], measuredOn: LabFlow.today(offsetDays: offset))
                        .id.lowercased()
                )
            }
            let body: [String: JSONValue] = ["equipmentId": .string(base.equipmentId), "description": .string("Suspect after a pressure spike")]
            async let one = lab.api.post("/v1/nonconformities", token: base.reviewer.token, json: body)
            async let two = lab.api.post("/v1/nonconformities", token: base.signatory.token, json: body)
            let (first, second) = try await (one, two)
            try first.expect(.created)
            try second.expect(.created)
            #expect(try first.string("number") != second.string("number"))
            for opened in [first, second] {
                let listed = try ids(opened)
                #expect(listed.count == expected.count)
                #expect(Set(listed) == expected)
            }
            let events = try await lab.api.get("/v1/events?limit=200", token: base.customer.key).array("items")
            #expect(events.filter { $0["type"]?.stringValue == "certificate.under_review" }.count == 2 * expected.count)
        }
    }
}
