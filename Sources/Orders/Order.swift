import Foundation
import LIMSCore

/// Order status: `submitted → accepted | rejected | cancelled`, `accepted → in_progress → completed`.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case submitted, accepted, rejected, cancelled
    case inProgress = "in_progress"
    case completed
}

/// Item status: `awaiting_receipt → received → in_test → certified → returned`, plus `on_hold` and `rejected`.
public enum ItemStatus: String, Codable, Sendable, CaseIterable {
    case awaitingReceipt = "awaiting_receipt"
    case received
    case inTest = "in_test"
    case certified, returned
    case onHold = "on_hold"
    case rejected

    /// An item whose work is over, for order completion.
    public var isFinished: Bool { self == .certified || self == .rejected || self == .returned }
}

public enum Priority: String, Codable, Sendable, CaseIterable {
    case standard, expedited
}

/// The customer's description of an instrument.
public struct Instrument: Codable, Sendable, Equatable {
    public var manufacturer: String
    public var model: String
    public var serialNumber: String
    public var assetTag: String?
    public var description: String?
}

/// An instrument of an order, with the price it was quoted at.
public struct OrderItem: Codable, Sendable, Equatable {
    public var id: UUID
    public var orderId: UUID
    public var lineNumber: Int
    public var serviceCode: String
    public var status: ItemStatus
    public var instrument: Instrument
    /// The customer's registered instrument this item is (the instrument register, module Instruments).
    public var instrumentId: UUID?
    public var notes: String?
    public var unitPrice: Money
    /// When the item was certified (kept after it is returned): what invoicing bills.
    public var certifiedAt: Date?
}

public struct Order: Codable, Sendable, Equatable {
    public var id: UUID
    public var number: String
    public var customerId: UUID
    public var customerReference: String
    public var priority: Priority
    public var returnAddress: String?
    public var status: OrderStatus
    public var items: [OrderItem]
    public var quote: Quote
    public var rejectionReason: String?
    public var submittedAt: Date
    public var decidedAt: Date?
    public var completedAt: Date?
}
