import Foundation
import LIMSCore

extension EquipmentStore {
    /// Records a calibration from the provider's DCC: its certificate number, calibrating lab, end-of-performance date
    /// and traceability come from the DCC (422 naming what is missing or wrong), `dueOn` from the lab; the DCC's bytes
    /// and SHA-256 are kept with the record.
    public func importCalibration(
        equipmentId: UUID, dcc: Data, dueOn: String?, asFound: String?, audit: AuditContext
    ) async throws -> EquipmentCalibration {
        var validator = Validator()
        if let asFound, !Self.asFoundValues.contains(asFound) {
            validator.add("asFound", "must be one of \(Self.asFoundValues.joined(separator: ", "))")
        }
        if dueOn == nil { validator.add("dueOn", "is required: the DCC states no due date, the lab sets it (?dueOn=YYYY-MM-DD)") }
        guard let text = String(data: dcc, encoding: .utf8) else {
            throw Problem.validation([FieldIssue(field: "body", message: "is not UTF-8 text")])
        }
        let facts: DCCReader.Facts
        do {
            facts = try DCCReader.read(dcc)
        } catch let problem as Problem {
            // Report the query's problems with the DCC's, all at once.
            throw Problem(status: problem.status, title: problem.title, detail: problem.detail, errors: validator.issues + problem.errors)
        }
        try validator.finish()
        let input = NewCalibration(
            certificateNumber: facts.certificateNumber, calibratedBy: facts.calibratedBy, calibratedOn: facts.calibratedOn, dueOn: dueOn,
            traceability: facts.traceability, asFound: asFound
        )
        return try await recordCalibration(equipmentId: equipmentId, input, dcc: text, audit: audit)
    }

    /// The provider's result before adjustment, as `POST …/calibrations` accepts it.
    public static let asFoundValues = ["in_tolerance", "out_of_tolerance", "not_stated"]

    /// The DCC a calibration was imported from; nil when the record was entered by hand or is unknown.
    public func calibrationDCC(equipmentId: UUID, calibrationId: UUID) async throws -> String? {
        let rows = try await database.client.query(
            "SELECT dcc FROM equipment_calibrations WHERE id = \(calibrationId) AND equipment_id = \(equipmentId)", logger: logger
        )
        for try await dcc in rows.decode(String?.self) { return dcc }
        return nil
    }
}
