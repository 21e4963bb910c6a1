import Foundation
import Hummingbird

/// Where a job is in its life: queued for a technician, claimed, then through review and signature to a certificate.
/// A rejected item's job is `withdrawn` and leaves the queue.
public enum JobState: String, Codable, Sendable, CaseIterable {
    case queued, claimed
    case inReview = "in_review"
    case awaitingSignature = "awaiting_signature"
    case certified, withdrawn
}

/// Expedited jobs are handed out before standard ones.
public enum JobPriority: String, Codable, Sendable, CaseIterable {
    case expedited, standard
}

/// The work on one received item: what a technician claims from the queue.
public struct Job: Codable, Sendable, Equatable {
    public var id: UUID
    public var itemId: UUID
    public var orderId: UUID
    public var customerId: UUID
    public var serviceCode: String
    public var state: JobState
    public var priority: JobPriority
    /// The date the work is due (`YYYY-MM-DD`).
    public var dueOn: String
    public var enqueuedAt: Date
    /// A held item's job stays where it is but cannot be claimed.
    public var held: Bool
    /// The staff member working on it, while claimed (and through review).
    public var holderId: UUID?
    public var claimedAt: Date?
}

extension Job: ResponseEncodable {}
