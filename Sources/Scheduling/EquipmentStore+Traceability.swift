import Foundation
import LIMSCore
import PostgresNIO

/// What reverse traceability asks of the equipment register: since when a standard's results are in doubt, and taking
/// it out of service as a nonconformity opens.
extension EquipmentStore {
    /// The first day whose results are in doubt (`YYYY-MM-DD`), or nil for "since the equipment was first used": the
    /// date of the last calibration found in tolerance before the newest one found out of tolerance (before today when
    /// none was found out of tolerance: the equipment is suspect now). 404 for unknown equipment.
    public func lastKnownGood(equipmentId: UUID, on connection: PostgresConnection) async throws -> String? {
        let exists = try await connection.query("SELECT 1 FROM equipment WHERE id = \(equipmentId)", logger: logger)
        var found = false
        for try await _ in exists { found = true }
        guard found else { throw Problem.notFound("Equipment") }
        let rows = try await connection.query(
            """
            WITH suspect AS (
                SELECT coalesce(max(calibrated_on), 'infinity'::date) AS on_day FROM equipment_calibrations
                WHERE equipment_id = \(equipmentId) AND as_found = 'out_of_tolerance'
            )
            SELECT max(c.calibrated_on)::text FROM equipment_calibrations c, suspect
            WHERE c.equipment_id = \(equipmentId) AND c.as_found = 'in_tolerance' AND c.calibrated_on < suspect.on_day
            """,
            logger: logger
        )
        for try await day in rows.decode(String?.self) { return day }
        return nil
    }

    /// Takes the equipment out of service in the caller's transaction, holding its row lock until that transaction
    /// ends (so nonconformities opened at once for one standard follow each other); equipment already out of service or
    /// retired stays as it is. 404 for unknown equipment.
    public func suspend(equipmentId: UUID, reason: String, on connection: PostgresConnection, audit: AuditContext) async throws {
        let current = try await lockStatus(equipmentId, on: connection)
        guard current == .inService else { return }
        try await connection.query(
            """
            UPDATE equipment SET status = 'out_of_service', status_reason = \(reason), status_changed_at = now() WHERE id = \(equipmentId)
            """,
            logger: logger
        )
        try await AuditLog.record(
            on: connection, audit, action: "equipment.status_changed", entity: "equipment", entityId: equipmentId.uuidString,
            before: JSONValue.object(["status": .string(current.rawValue)]),
            after: JSONValue.object(["status": .string(EquipmentStatus.outOfService.rawValue), "reason": .string(reason)]), logger: logger
        )
    }
}
