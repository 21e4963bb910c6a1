import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

/// Certification reports every signed or amended certificate to the register, in the signing transaction: the
/// instrument's history, last service and next due date follow the rules of the contract.
@Suite("The register follows the certificates")
struct ServiceHistoryTests {
    /// The instrument of the flow's order item.
    func instrumentId(_ flow: LabFlow) async throws -> String {
        try await flow.lab.api.get("/v1/orders/\(flow.orderId)", token: flow.customer.key).string("items.0.instrumentId")
    }

    func sign(_ flow: LabFlow) async throws -> APIResponse {
        let signed = try await flow.lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
        try signed.expect(.created)
        return signed
    }

    static func lastDay(of months: Int, from day: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let start = DateFormats.parseDay(day) ?? Date()
        let later = calendar.date(byAdding: .month, value: months, to: start) ?? start
        return DateFormats.formatDay(later.addingTimeInterval(-86_400))
    }

    @Test func aPassedVerificationIsDueOnItsValidUntilDateAndAReverificationMovesIt() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification")
            try await flow.measureSubmitReview()
            let certificate = try await sign(flow)
            let validUntil = try certificate.string("document.validUntil")
            let id = try await instrumentId(flow)
            let instrument = try await lab.api.get("/v1/instruments/\(id)", token: flow.customer.key)
            try instrument.expect(.ok)
            #expect(try instrument.string("nextDueOn") == validUntil)
            #expect(try instrument.string("lastResult") == "pass")
            #expect(try instrument.string("status") == "in_period")
            #expect(try instrument.string("lastCertificateNumber") == certificate.string("number"))
            #expect(try instrument.string("lastServiceOn") == LabFlow.today())
            #expect(try instrument.array("history").count == 1)
            #expect(try instrument.string("history.0.kind") == "verification-certificate")
            #expect(try instrument.string("history.0.result") == "pass")
            #expect(try instrument.string("history.0.validUntil") == validUntil)

            // The same gauge comes back: its second verification is the newest entry and sets the due date.
            let again = try await LabFlow.prepare(
                lab, serviceCode: flow.serviceCode, customer: flow.customer,
                instrument: ["manufacturer": .string(try instrument.string("manufacturer")), "model": .string(try instrument.string("model")),
                             "serialNumber": .string(try instrument.string("serialNumber").uppercased() + " ")]
            )
            #expect(try await instrumentId(again) == id)
            try await again.measureSubmitReview()
            let second = try await sign(again)
            let after = try await lab.api.get("/v1/instruments/\(id)", token: flow.customer.key)
            #expect(try after.array("history").count == 2)
            #expect(try after.string("history.0.number") == second.string("number"))
            #expect(try after.string("lastCertificateNumber") == second.string("number"))
            #expect(try after.string("nextDueOn") == second.string("document.validUntil"))
            // The certificates of the instrument, as a list of certificates.
            let certificates = try await lab.api.get("/v1/certificates?instrumentId=\(id)", token: flow.customer.key)
            #expect(Set(try certificates.array("items").compactMap { $0["number"]?.stringValue })
                == [try certificate.string("number"), try second.string("number")])
            #expect(try await lab.api.get("/v1/certificates?instrumentId=\(UUID())", token: flow.customer.key).array("items").isEmpty)
        }
    }

    @Test func aFailedVerificationLeavesTheInstrumentFailedWithoutADueDate() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification")
            try await lab.api.put(
                "/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody(readings: ["10.21", "10.20", "10.22"])
            ).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
            let notice = try await sign(flow)
            #expect(try notice.string("documentKind") == "verification-result-notice")
            let id = try await instrumentId(flow)
            let instrument = try await lab.api.get("/v1/instruments/\(id)", token: flow.customer.key)
            #expect(try instrument.string("status") == "failed")
            #expect(try instrument.string("lastResult") == "fail")
            #expect(instrument.value("nextDueOn") == .null)
            #expect(try instrument.string("history.0.result") == "fail")
            let failed = try await lab.api.get("/v1/instruments?status=failed", token: flow.customer.key)
            #expect(try failed.array("items").count == 1)
            #expect(try failed.string("items.0.id") == id)
        }
    }

    @Test func aCalibrationGivesADueDateOnlyWithAnAgreedInterval() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "calibration")
            try await flow.measureSubmitReview()
            let certificate = try await sign(flow)
            #expect(try certificate.string("documentKind") == "calibration-certificate")
            let id = try await instrumentId(flow)
            let plain = try await lab.api.get("/v1/instruments/\(id)", token: flow.customer.key)
            #expect(try plain.string("status") == "no_due_date")
            #expect(try plain.string("lastResult") == "calibrated")
            #expect(plain.value("nextDueOn") == .null)

            // The customer agrees an interval: the due date follows at once, and clearing it takes it away again.
            let agreed = try await lab.patch(
                "/v1/instruments/\(id)", token: flow.customer.key,
                json: ["calibrationIntervalMonths": .number(12), "location": .string("Boiler room 2"), "assetTag": .string("AT-7")]
            )
            try agreed.expect(.ok)
            #expect(try agreed.string("nextDueOn") == Self.lastDay(of: 12, from: LabFlow.today()))
            #expect(try agreed.string("status") == "in_period")
            #expect(try agreed.string("location") == "Boiler room 2")
            #expect(try agreed.string("assetTag") == "AT-7")
            let cleared = try await lab.patch("/v1/instruments/\(id)", token: lab.adminToken, json: ["calibrationIntervalMonths": .null])
            #expect(cleared.value("nextDueOn") == .null)
            #expect(try cleared.string("location") == "Boiler room 2")  // left out: unchanged
            let invalid = try await lab.patch(
                "/v1/instruments/\(id)", token: flow.customer.key,
                json: ["calibrationIntervalMonths": .number(0), "assetTag": .string(String(repeating: "x", count: 101))]
            )
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.problemFields) == ["calibrationIntervalMonths", "assetTag"])
            let audit = try await lab.api.get("/v1/audit?entity=instrument&entityId=\(id)", token: lab.adminToken)
            let actions = try audit.array("items").compactMap { $0["action"]?.stringValue }
            #expect(actions == ["instrument.registered", "instrument.serviced", "instrument.updated", "instrument.updated"])

            // An interval agreed before the next calibration applies to it as soon as it is signed.
            try await lab.patch("/v1/instruments/\(id)", token: flow.customer.key, json: ["calibrationIntervalMonths": .number(6)]).expect(.ok)
            #expect(try await lab.api.get("/v1/instruments/\(id)", token: flow.customer.key).string("nextDueOn")
                == Self.lastDay(of: 6, from: LabFlow.today()))
        }
    }

    @Test func anAmendmentSupersedesItsOriginalInTheHistory() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification")
            try await flow.measureSubmitReview()
            let original = try await sign(flow)
            let amended = try await lab.api.post(
                "/v1/certificates/\(try original.string("id"))/amend", token: flow.signatory.token, json: ["reason": .string("Typo in the address")]
            )
            try amended.expect(.created)
            let id = try await instrumentId(flow)
            let instrument = try await lab.api.get("/v1/instruments/\(id)", token: flow.customer.key)
            #expect(try instrument.string("lastCertificateNumber") == amended.string("number"))
            let history = try instrument.array("history")
            #expect(history.count == 2)
            let byNumber = Dictionary(uniqueKeysWithValues: history.compactMap { entry in entry["number"]?.stringValue.map { ($0, entry) } })
            #expect(byNumber[try original.string("number")]?["status"]?.stringValue == "superseded")
            #expect(byNumber[try amended.string("number")]?["status"]?.stringValue == "issued")
            #expect(try instrument.string("nextDueOn") == amended.string("document.validUntil"))
        }
    }
}
