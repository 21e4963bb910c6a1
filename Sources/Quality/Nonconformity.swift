import Foundation
import LIMSCore

/// What is decided for a certificate affected by nonconforming work; final once given.
public enum Disposition: String, Codable, Sendable, CaseIterable {
    case noImpact = "no_impact"
    case amend
    case withdraw
}

public enum NonconformityStatus: String, Codable, Sendable, CaseIterable {
    case open, closed
}

/// Nonconforming work (ISO/IEC 17025 §7.10): what went wrong, the certificates it puts in doubt and what was decided
/// for each.
public struct Nonconformity: Codable, Sendable, Equatable {
    public struct AffectedCertificate: Codable, Sendable, Equatable {
        public var certificateId: UUID
        public var number: String
        public var customerId: UUID
        public var disposition: Disposition?
        public var justification: String?
        public var decidedAt: Date?
    }

    public var id: UUID
    public var number: String
    public var status: NonconformityStatus
    public var description: String
    public var equipmentId: UUID?
    /// The first day whose results are in doubt (`YYYY-MM-DD`); nil: since the equipment was first used.
    public var since: String?
    public var openedAt: Date
    public var closedAt: Date?
    public var certificates: [AffectedCertificate]
}

/// Who opens nonconformities and decides their dispositions (the API and the console enforce this one list).
public enum QualityAccess {
    public static let manage: [Role] = [.admin, .reviewer, .signatory]
}
