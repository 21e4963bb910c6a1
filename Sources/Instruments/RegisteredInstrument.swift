import Foundation
import LIMSCore

/// Where an instrument stands against its due date, computed when read (today, UTC, and the owner's reminder lead).
public enum InstrumentStatus: String, Codable, Sendable, CaseIterable {
    case inPeriod = "in_period"
    /// The next due date falls within the customer's `reminderLeadDays`.
    case dueSoon = "due_soon"
    /// The next due date has passed.
    case overdue
    /// The last service was a failed verification: not to be used until repaired and verified again.
    case failed
    case noDueDate = "no_due_date"

    /// Whether telling this status from another takes the owner's reminder lead.
    var dependsOnLead: Bool { self == .dueSoon || self == .inPeriod }

    /// Listed by next due date (the most urgent first) rather than in order of registration.
    var isOrderedByDueDate: Bool { self == .inPeriod || self == .dueSoon || self == .overdue }

    /// The status of an instrument whose last result and next due date are these, on `today` (`YYYY-MM-DD`), for an
    /// owner reminded `leadDays` ahead.
    public static func of(lastResult: ServiceResult?, nextDueOn: String?, today: String, leadDays: Int) -> InstrumentStatus {
        if lastResult == .fail { return .failed }
        guard let nextDueOn else { return .noDueDate }
        if nextDueOn < today { return .overdue }
        return nextDueOn <= Calendar.day(today, plus: leadDays) ? .dueSoon : .inPeriod
    }
}

/// What a certificate concluded: a verification passed or failed, or a calibration reported values.
public enum ServiceResult: String, Codable, Sendable, CaseIterable {
    case pass, fail, calibrated

    /// The result a certificate of `documentKind` states; `nil` for a kind the register does not know.
    public init?(documentKind: String) {
        switch documentKind {
        case "verification-certificate": self = .pass
        case "verification-result-notice": self = .fail
        case "calibration-certificate": self = .calibrated
        default: return nil
        }
    }
}

/// The four uses under China's catalogue of working instruments subject to mandatory verification.
public enum MandatoryVerificationCategory: String, Codable, Sendable, CaseIterable {
    case tradeSettlement = "trade_settlement"
    case safetyProtection = "safety_protection"
    case medical
    case environmentalMonitoring = "environmental_monitoring"
}

/// An instrument of a customer's register, as `GET /v1/instruments` shows it.
public struct RegisteredInstrument: Sendable {
    public var id: UUID
    public var customerId: UUID
    public var manufacturer: String
    public var model: String
    public var serialNumber: String
    public var assetTag: String?
    public var description: String?
    public var location: String?
    /// The catalogue's instrument category of the services it was ordered for (`Pressure gauge`).
    public var category: String?
    public var mandatoryVerificationCategory: MandatoryVerificationCategory?
    public var calibrationIntervalMonths: Int?
    public var lastServiceOn: String?
    public var lastCertificateId: UUID?
    public var lastCertificateNumber: String?
    public var lastServiceCode: String?
    public var lastResult: ServiceResult?
    public var nextDueOn: String?
    public var status: InstrumentStatus
    public var registeredAt: Date
    /// Every certificate issued for it, newest first: only on `GET /v1/instruments/{id}`.
    public var history: [HistoryEntry]?
    /// Its keyset positions in lists: registration order, and next due date (days since 1970-01-01) for lists by due date.
    var seq: Int64 = 0
    var dueDay: Int?
}

extension RegisteredInstrument: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, customerId, manufacturer, model, serialNumber, assetTag, description, location, category, mandatoryVerificationCategory
        case calibrationIntervalMonths, lastServiceOn, lastCertificateId, lastCertificateNumber, lastServiceCode, lastResult, nextDueOn, status
        case registeredAt, history
    }

    /// The contract's fields are always present, `null` when unknown; `history` only on the single instrument.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(manufacturer, forKey: .manufacturer)
        try container.encode(model, forKey: .model)
        try container.encode(serialNumber, forKey: .serialNumber)
        try container.encode(assetTag, forKey: .assetTag)
        try container.encode(description, forKey: .description)
        try container.encode(location, forKey: .location)
        try container.encode(category, forKey: .category)
        try container.encode(mandatoryVerificationCategory, forKey: .mandatoryVerificationCategory)
        try container.encode(calibrationIntervalMonths, forKey: .calibrationIntervalMonths)
        try container.encode(lastServiceOn, forKey: .lastServiceOn)
        try container.encode(lastCertificateId, forKey: .lastCertificateId)
        try container.encode(lastCertificateNumber, forKey: .lastCertificateNumber)
        try container.encode(lastServiceCode, forKey: .lastServiceCode)
        try container.encode(lastResult, forKey: .lastResult)
        try container.encode(nextDueOn, forKey: .nextDueOn)
        try container.encode(status, forKey: .status)
        try container.encode(registeredAt, forKey: .registeredAt)
        try container.encodeIfPresent(history, forKey: .history)
    }
}

/// One certificate of an instrument's history.
public struct HistoryEntry: Codable, Sendable, Equatable {
    /// `nil` for a certificate issued before Calibra kept the register (imported).
    public var certificateId: UUID?
    public var number: String
    public var serviceCode: String
    public var issuedOn: String
    /// The date of the work: the calibration or verification date.
    public var serviceOn: String
    /// `calibration-certificate`, `verification-certificate` or `verification-result-notice`.
    public var kind: String
    public var result: ServiceResult
    public var validUntil: String?
    /// `issued`, `superseded` (by an amendment) or `withdrawn`.
    public var status: String
    public var revision: Int
    public var imported: Bool
}

extension Calendar {
    /// `day` (`YYYY-MM-DD`) moved by `days`, in UTC; `day` itself when it is not a date.
    static func day(_ day: String, plus days: Int) -> String {
        guard let date = DateFormats.parseDay(day) else { return day }
        return DateFormats.formatDay(date.addingTimeInterval(Double(days) * 86_400))
    }
}
