import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Reference equipment registry")
struct EquipmentRegistryTests {
    @Test func adminRegistersEquipmentAndAnAssetTagIsUnique() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let id = try await lab.equipment(serviceCodes: [code], assetTag: "REF-001")
            let shown = try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken)
            try shown.expect(.ok)
            #expect(try shown.string("assetTag") == "REF-001")
            #expect(try shown.string("status") == "in_service")
            #expect(try shown.array("serviceCodes") == [.string(code)])
            #expect(try shown.array("calibrations") == [])
            #expect(shown.value("usable") == .bool(false))

            let again = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: [
                    "assetTag": .string("REF-001"), "name": .string("Other"), "manufacturer": .string("M"), "model": .string("X"),
                    "serialNumber": .string("2"), "quantity": .string("pressure"), "range": .string("0 to 1 MPa"), "serviceCodes": .array([]),
                ]
            )
            #expect(again.status == .conflict)

            let technician = try await lab.staff(["technician"])
            #expect(try await lab.api.post("/v1/equipment", token: technician.token, json: [:]).status == .forbidden)
            #expect(try await lab.api.get("/v1/equipment/\(id)", token: technician.token).status == .ok)
            #expect(try await lab.api.get("/v1/equipment/\(UUID())", token: technician.token).status == .notFound)
        }
    }

    @Test func invalidRegistrationNamesEveryBadField() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken, json: ["name": .string("  "), "serviceCodes": .array([.string("NO-SUCH-SERVICE")])]
            )
            #expect(response.status == .unprocessableContent)
            #expect(
                Set(response.problemFields)
                    == ["assetTag", "name", "manufacturer", "model", "serialNumber", "quantity", "range", "serviceCodes[0]"]
            )
        }
    }

    @Test func calibrationHistoryIsNewestFirstAndDueDateMustFollowCalibration() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment()
            try await lab.calibrate(id, calibratedOn: When.day(-800), dueOn: When.day(-435), certificate: "OLD").expect(.created)
            try await lab.calibrate(id, calibratedOn: When.day(-30), dueOn: When.day(335), certificate: "NEW").expect(.created)
            let shown = try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken)
            #expect(try shown.string("calibrations.0.certificateNumber") == "NEW")
            #expect(try shown.string("calibrations.1.certificateNumber") == "OLD")
            #expect(try shown.string("latestCalibration.dueOn") == When.day(335))
            #expect(shown.value("usable") == .bool(true))

            let backwards = try await lab.calibrate(id, calibratedOn: When.day(-1), dueOn: When.day(-2))
            #expect(backwards.status == .unprocessableContent)
            #expect(backwards.problemFields == ["dueOn"])
            let future = try await lab.calibrate(id, calibratedOn: When.day(3), dueOn: When.day(300))
            #expect(future.problemFields == ["calibratedOn"])
            let malformed = try await lab.calibrate(id, calibratedOn: "2026-13-01", dueOn: "soon")
            #expect(Set(malformed.problemFields) == ["calibratedOn", "dueOn"])
            #expect(try await lab.calibrate(UUID(), calibratedOn: When.day(-1), dueOn: When.day(300)).status == .notFound)
        }
    }

    @Test func statusChangesNeedAReasonAndRetiredIsFinal() async throws {
        try await TestLab.run { lab in
            let id = try await lab.equipment(dueIn: 100)
            let noReason = try await lab.setStatus(id, "out_of_service", reason: nil)
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.problemFields == ["reason"])
            #expect(try await lab.setStatus(id, "broken").problemFields == ["status"])

            let out = try await lab.setStatus(id, "out_of_service", reason: "dropped")
            try out.expect(.ok)
            #expect(try out.string("statusReason") == "dropped")
            #expect(out.value("usable") == .bool(false))
            let back = try await lab.setStatus(id, "in_service", reason: "repaired and checked")
            #expect(back.value("usable") == .bool(true))

            try await lab.setStatus(id, "retired", reason: "end of life").expect(.ok)
            let revived = try await lab.setStatus(id, "in_service", reason: "second thoughts")
            #expect(revived.status == .conflict)
            #expect(try revived.string("currentState") == "retired")
            #expect(try await lab.calibrate(id, calibratedOn: When.day(-1), dueOn: When.day(300)).status == .conflict)

            let retired = try await lab.api.get("/v1/equipment?status=retired", token: lab.adminToken)
            #expect(try retired.array("items").compactMap { $0["id"]?.stringValue } == [id.uuidString])
            #expect(try await lab.api.get("/v1/equipment?status=lost", token: lab.adminToken).problemFields == ["status"])

            let actions = try await lab.auditActions(entity: "equipment", id: id)
            #expect(
                actions == [
                    "equipment.created", "equipment.calibration_recorded", "equipment.status_changed", "equipment.status_changed",
                    "equipment.status_changed",
                ]
            )
        }
    }
}
