import Accounts
import Foundation
import LIMSCore
import LIMSTestSupport
import Scheduling

/// Calendar days and instants relative to now, as the API writes them.
enum When {
    /// `YYYY-MM-DD`, `days` from today (UTC).
    static func day(_ days: Int) -> String {
        DateFormats.formatDay(Date().addingTimeInterval(Double(days) * 86_400))
    }

    /// Midnight UTC at the start of the day `days` from today.
    static func midnight(_ days: Int) -> Date {
        DateFormats.parseDay(day(days)) ?? Date()
    }

    /// RFC 3339 for `hours` after midnight UTC of the day `days` from today.
    static func at(day days: Int, hour hours: Double) -> String {
        stamp(midnight(days).addingTimeInterval(hours * 3_600))
    }

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension TestLab {
    /// The job queue on the fixture database, as other modules use it inside their transactions.
    var jobQueue: JobQueue {
        JobQueue(database: database)
    }

    /// Registers equipment (as admin) and returns its id; with `dueIn`, records a calibration due that many days from today.
    func equipment(serviceCodes: [String] = [], dueIn: Int? = nil, assetTag: String? = nil) async throws -> UUID {
        let created = try await api.post(
            "/v1/equipment", token: adminToken,
            json: [
                "assetTag": .string(assetTag ?? "EQ-\(UUID().uuidString.prefix(8))"), "name": .string("Pressure controller"),
                "manufacturer": .string("Fluke"), "model": .string("PPC4"), "serialNumber": .string("SN-\(UUID().uuidString.prefix(6))"),
                "quantity": .string("pressure"), "range": .string("0 to 7 MPa"), "serviceCodes": .array(serviceCodes.map { .string($0) }),
            ]
        )
        try created.expect(.created)
        let id = try created.uuid("id")
        if let dueIn { try await calibrate(id, calibratedOn: When.day(min(dueIn, 0) - 365), dueOn: When.day(dueIn)).expect(.created) }
        return id
    }

    func calibrate(_ equipmentId: UUID, calibratedOn: String, dueOn: String, certificate: String = "EXT-CAL-1") async throws -> APIResponse {
        try await api.post(
            "/v1/equipment/\(equipmentId)/calibrations", token: adminToken,
            json: [
                "certificateNumber": .string(certificate), "calibratedBy": .string("National Institute of Metrology"),
                "calibratedOn": .string(calibratedOn), "dueOn": .string(dueOn), "traceability": .string("NIM, SI"),
            ]
        )
    }

    func setStatus(_ equipmentId: UUID, _ status: String, reason: String? = "maintenance") async throws -> APIResponse {
        var body: [String: JSONValue] = ["status": .string(status)]
        if let reason { body["reason"] = .string(reason) }
        return try await api.post("/v1/equipment/\(equipmentId)/status", token: adminToken, json: body)
    }

    func book(_ equipmentId: UUID, from start: String, to end: String, token: String? = nil, jobId: UUID? = nil) async throws -> APIResponse {
        var body: [String: JSONValue] = ["start": .string(start), "end": .string(end)]
        if let jobId { body["jobId"] = .string(jobId.uuidString) }
        return try await api.post("/v1/equipment/\(equipmentId)/bookings", token: token ?? adminToken, json: body)
    }

    /// Grants `activity` on `serviceCode` to a user through the API, valid until `validUntil`.
    func grant(_ userId: UUID, _ serviceCode: String, activity: String = "perform", validUntil: String = When.day(365)) async throws {
        let response = try await api.post(
            "/v1/users/\(userId)/authorizations", token: adminToken,
            json: ["serviceCode": .string(serviceCode), "activity": .string(activity), "validUntil": .string(validUntil)]
        )
        try response.expect(.created)
    }

    /// A technician authorised to perform every one of `serviceCodes`.
    func technician(performing serviceCodes: [String]) async throws -> (id: UUID, token: String) {
        let technician = try await staff(["technician"])
        for code in serviceCodes { try await grant(technician.id, code) }
        return technician
    }

    /// Enqueues one job as the items module does, inside a transaction of its own.
    @discardableResult
    func enqueue(_ serviceCode: String, expedited: Bool = false, dueIn days: Int = 7, itemId: UUID = UUID()) async throws -> Job {
        let queue = jobQueue
        return try await database.transaction { connection in
            try await queue.enqueue(
                on: connection, itemId: itemId, orderId: UUID(), customerId: UUID(), serviceCode: serviceCode, expedited: expedited,
                dueOn: When.day(days), audit: .system
            )
        }
    }

    func claim(_ token: String, serviceCodes: [String]? = nil) async throws -> APIResponse {
        try await api.post("/v1/jobs/claim", token: token, json: serviceCodes.map { ["serviceCodes": .array($0.map { .string($0) })] })
    }

    /// The audit actions recorded for one entity, oldest first.
    func auditActions(entity: String, id: UUID) async throws -> [String] {
        let response = try await api.get("/v1/audit?entity=\(entity)&entityId=\(id.uuidString)&limit=500", token: adminToken)
        try response.expect(.ok)
        return try response.array("items").compactMap { $0["action"]?.stringValue }
    }
}
