import Foundation
import Hummingbird

/// Whether a piece of reference equipment may be used. `retired` is final.
public enum EquipmentStatus: String, Codable, Sendable, CaseIterable {
    case inService = "in_service"
    case outOfService = "out_of_service"
    case retired
}

/// One calibration of the lab's own reference equipment, as its certificate states it.
public struct EquipmentCalibration: Codable, Sendable, Equatable {
    public var id: UUID
    public var equipmentId: UUID
    public var certificateNumber: String
    public var calibratedBy: String
    /// `YYYY-MM-DD`.
    public var calibratedOn: String
    /// The last day the calibration is valid (`YYYY-MM-DD`); from the day after, the equipment is overdue.
    public var dueOn: String
    public var traceability: String
    public var recordedAt: Date
    /// SHA-256 (hex) of the provider's DCC when the record was imported from one (`GET …/calibrations/{id}/dcc`).
    public var dccSha256: String?
    /// What the provider found before adjustment (`in_tolerance`, `out_of_tolerance`, `not_stated`); absent on the
    /// latest-calibration summary of a piece of equipment.
    public var asFound: String?
    public var asFoundNotes: String?
}

/// A reference standard or instrument the lab measures with.
public struct Equipment: Codable, Sendable, Equatable {
    public var id: UUID
    public var assetTag: String
    public var name: String
    public var manufacturer: String
    public var model: String
    public var serialNumber: String
    public var quantity: String
    public var range: String
    /// The services this equipment may be used for.
    public var serviceCodes: [String]
    public var status: EquipmentStatus
    public var statusReason: String?
    public var createdAt: Date
    /// The calibration with the latest calibration date: the one that decides whether the equipment may be used.
    public var latestCalibration: EquipmentCalibration?
    /// In service and its latest calibration not overdue today (UTC).
    public var usable: Bool
    /// The whole calibration history, newest first (only on `GET /v1/equipment/{id}`).
    public var calibrations: [EquipmentCalibration]?
}

/// A reservation of a piece of equipment for a time range `[start, end)`.
public struct Booking: Codable, Sendable, Equatable {
    public var id: UUID
    public var equipmentId: UUID
    public var start: Date
    public var end: Date
    public var jobId: UUID?
    public var bookedBy: UUID?
    public var createdAt: Date
    public var cancelledAt: Date?
}

extension Equipment: ResponseEncodable {}
extension EquipmentCalibration: ResponseEncodable {}
extension Booking: ResponseEncodable {}
