import Foundation
import LIMSCore
import Orders

/// The state an instrument arrived in, recorded at receipt.
public enum ItemCondition: String, Codable, Sendable, CaseIterable {
    case ok, damaged
}

/// An order item as sample tracking shows it: the instrument, its lab number once received, and where it is.
public struct SampleItem: Sendable, Equatable {
    public var id: UUID
    /// The lab number (`ITM-2026-000001`), `nil` until the instrument is received.
    public var number: String?
    public var orderId: UUID
    public var orderNumber: String
    public var customerId: UUID
    public var lineNumber: Int
    public var serviceCode: String
    public var status: ItemStatus
    public var instrument: Instrument
    public var condition: ItemCondition?
    public var conditionNotes: String?
    /// Where the instrument is now; `nil` before receipt and after its return.
    public var location: String?
    public var receivedAt: Date?
}

extension SampleItem: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, number, orderId, orderNumber, customerId, lineNumber, serviceCode, status, instrument, condition, conditionNotes, location
        case receivedAt
    }

    /// Absent values are written as explicit `null`s, so a client sees every field of the contract.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(orderId, forKey: .orderId)
        try container.encode(orderNumber, forKey: .orderNumber)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(lineNumber, forKey: .lineNumber)
        try container.encode(serviceCode, forKey: .serviceCode)
        try container.encode(status, forKey: .status)
        try container.encode(instrument, forKey: .instrument)
        try container.encode(condition, forKey: .condition)
        try container.encode(conditionNotes, forKey: .conditionNotes)
        try container.encode(location, forKey: .location)
        try container.encode(receivedAt, forKey: .receivedAt)
    }
}

/// What the rest of the lab needs to know when an instrument is received: enough to queue its job.
public struct ReceivedItem: Sendable, Equatable {
    public var itemId: UUID
    public var orderId: UUID
    public var customerId: UUID
    public var serviceCode: String
    /// The order's priority is `expedited`.
    public var expedited: Bool
    public var number: String
    public var receivedAt: Date

    public init(itemId: UUID, orderId: UUID, customerId: UUID, serviceCode: String, expedited: Bool, number: String, receivedAt: Date) {
        self.itemId = itemId
        self.orderId = orderId
        self.customerId = customerId
        self.serviceCode = serviceCode
        self.expedited = expedited
        self.number = number
        self.receivedAt = receivedAt
    }

    /// The due date (`YYYY-MM-DD`, UTC): the receipt date plus `turnaroundDays` calendar days.
    public func dueOn(turnaroundDays: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let day = calendar.startOfDay(for: receivedAt)
        return DateFormats.formatDay(calendar.date(byAdding: .day, value: turnaroundDays, to: day) ?? day)
    }
}
