import Foundation
import LIMSCore
import LIMSTestSupport

/// A lab with everything a job needs up to its measurements: a verification-capable service with an MPE,
/// calibrated equipment, staff with authorisations, a customer's accepted order, a received item and a claimed job.
public struct LabFlow: Sendable {
    public let lab: TestLab
    public let serviceCode: String
    public let customer: (id: UUID, key: String)
    public let orderId: String
    public let itemId: String
    public let jobId: String
    public let equipmentId: String
    public let technician: (id: UUID, token: String)
    public let reviewer: (id: UUID, token: String)
    public let signatory: (id: UUID, token: String)

    public static func today(offsetDays: Int = 0) -> String {
        DateFormats.formatDay(Date().addingTimeInterval(Double(offsetDays) * 86_400))
    }

    /// With `serviceCode` and `customer`, a further job for an existing service and customer; with `instrument`, the order
    /// names that instrument (`manufacturer`, `model`, `serialNumber`…) instead of a new one.
    public static func prepare(
        _ lab: TestLab, kind: String = "calibration", mpe: String? = "0.05", rule: String = "simple", serviceCode: String? = nil,
        customer: (id: UUID, key: String)? = nil, instrument: [String: JSONValue]? = nil
    ) async throws -> LabFlow {
        let code: String
        if let serviceCode { code = serviceCode } else { code = try await lab.service(kind: kind, mpe: mpe, decisionRule: rule) }
        let customer = if let customer { customer } else { try await lab.customer() }
        let receptionist = try await lab.staff(["receptionist"])
        let technician = try await lab.staff(["technician"], name: "Tao Technician")
        let reviewer = try await lab.staff(["reviewer"], name: "Mei Reviewer")
        let signatory = try await lab.staff(["signatory"], name: "Sun Signatory")
        for (user, activity) in [(technician.id, "perform"), (reviewer.id, "review"), (signatory.id, "sign")] {
            try await lab.api.post(
                "/v1/users/\(user)/authorizations", token: lab.adminToken,
                json: ["serviceCode": .string(code), "activity": .string(activity), "validUntil": .string(today(offsetDays: 365))]
            ).expect(.created)
        }
        let equipment = try await lab.api.post(
            "/v1/equipment", token: lab.adminToken,
            json: ["assetTag": .string("REF-\(UUID().uuidString.prefix(6))"), "name": .string("Digital pressure calibrator"),
                   "manufacturer": .string("Fluke"), "model": .string("2700G"), "serialNumber": .string("F-1"), "quantity": .string("pressure"),
                   "range": .string("0 to 70 MPa"), "serviceCodes": .array([.string(code)])]
        )
        try equipment.expect(.created)
        let equipmentId = try equipment.string("id")
        try await lab.api.post(
            "/v1/equipment/\(equipmentId)/calibrations", token: lab.adminToken,
            json: ["certificateNumber": .string("NIM-2026-0042"), "calibratedBy": .string("National Institute of Metrology"),
                   "calibratedOn": .string(today(offsetDays: -30)), "dueOn": .string(today(offsetDays: 335)),
                   "traceability": .string("Traceable to the national pressure standard (NIM, China)")]
        ).expect(.created)
        var body = TestLab.orderBody(serviceCodes: [code], reference: "PO-CERT")
        if let instrument { body["items"] = .array([.object(["serviceCode": .string(code), "instrument": .object(instrument)])]) }
        let order = try await lab.api.post("/v1/orders", token: customer.key, json: body)
        try order.expect(.created)
        let orderId = try order.string("id")
        let itemId = try order.string("items.0.id")
        try await lab.api.post("/v1/orders/\(orderId)/accept", token: lab.adminToken).expect(.ok)
        try await lab.api.post(
            "/v1/items/\(itemId)/receive", token: receptionist.token, json: ["condition": .string("ok"), "location": .string("Shelf A1")]
        ).expect(.ok)
        let claim = try await lab.api.post("/v1/jobs/claim", token: technician.token, json: [:])
        try claim.expect(.ok)
        return LabFlow(
            lab: lab, serviceCode: code, customer: customer, orderId: orderId, itemId: itemId, jobId: try claim.string("id"),
            equipmentId: equipmentId, technician: technician, reviewer: reviewer, signatory: signatory
        )
    }

    /// Three readings around 10 MPa against a 10.000 MPa reference.
    public func measurementBody(readings: [String] = ["10.012", "10.014", "10.013"], equipmentIds: [String]? = nil) -> [String: JSONValue] {
        [
            "equipmentIds": .array((equipmentIds ?? [equipmentId]).map { .string($0) }),
            "environment": .object(["temperatureC": .string("20.1"), "relativeHumidityPct": .string("45")]),
            "points": .array([
                .object([
                    "quantity": .string("pressure"), "unit": .string("MPa"), "nominal": .string("10"), "reference": .string("10.000"),
                    "readings": .array(readings.map { .string($0) }), "resolution": .string("0.001"),
                    "budget": .array([.object(["name": .string("reference standard"), "type": .string("B"), "expandedUncertainty": .number(0.004), "coverageFactor": .number(2)])]),
                ]),
            ]),
        ]
    }

    public func measureSubmitReview() async throws {
        try await lab.api.put("/v1/jobs/\(jobId)/measurements", token: technician.token, json: measurementBody()).expect(.ok)
        try await lab.api.post("/v1/jobs/\(jobId)/submit", token: technician.token).expect(.ok)
        try await lab.api.post("/v1/jobs/\(jobId)/review", token: reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
    }
}
