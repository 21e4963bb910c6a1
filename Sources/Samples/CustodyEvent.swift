import Foundation
import LIMSCore
import Orders

/// What happened to an instrument in the lab's custody.
public enum CustodyAction: String, Codable, Sendable, CaseIterable {
    case received, moved, held, resumed, rejected, returned
}

/// One link of an item's chain of custody: who, when, from where and which status to where and which status, and why.
/// Custody events are append-only; the database refuses to change or delete them.
public struct CustodyEvent: Sendable, Equatable {
    public var id: UUID
    public var sequence: Int64
    public var itemId: UUID
    public var at: Date
    public var actor: AuditActor
    public var action: CustodyAction
    public var fromLocation: String?
    public var toLocation: String?
    public var fromStatus: String?
    public var toStatus: String?
    public var reason: String?
    /// Action-specific facts: the condition at receipt, the return method and tracking number…
    public var details: JSONValue
}

extension CustodyEvent: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, sequence, itemId, at, actor, action, fromLocation, toLocation, fromStatus, toStatus, reason, details
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(itemId, forKey: .itemId)
        try container.encode(at, forKey: .at)
        try container.encode(actor, forKey: .actor)
        try container.encode(action, forKey: .action)
        try container.encode(fromLocation, forKey: .fromLocation)
        try container.encode(toLocation, forKey: .toLocation)
        try container.encode(fromStatus, forKey: .fromStatus)
        try container.encode(toStatus, forKey: .toStatus)
        try container.encode(reason, forKey: .reason)
        try container.encode(details, forKey: .details)
    }
}
