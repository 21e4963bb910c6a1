import Foundation
import Instruments
import LIMSCore

/// Whether a service ends in reported values (calibration) or in a legal pass/fail judgement (verification).
public enum ServiceKind: String, Codable, Sendable, CaseIterable {
    case calibration, verification
}

/// How conformity is decided where an MPE applies (ILAC-G8): `simple` or `guarded` acceptance.
public enum DecisionRuleName: String, Codable, Sendable, CaseIterable {
    case simple, guarded
}

/// A calibration or verification service of the catalogue, with its current price.
public struct Service: Codable, Sendable, Equatable {
    public var code: String
    public var title: String
    public var kind: ServiceKind
    public var instrumentCategory: String
    public var quantity: String
    public var unit: String
    public var range: String
    /// The method reference (e.g. `JJG 52-2013`, `JJF 1059.1-2012`, `ISO 6789-2:2017`).
    public var method: String
    public var accredited: Bool
    public var price: Money
    public var turnaroundDays: Int
    public var expediteSurchargeBasisPoints: Int
    /// Maximum permissible error as a decimal string in the service's unit, when the service states conformity.
    public var mpe: String?
    public var decisionRule: DecisionRuleName
    /// For verification services: how long a passed verification stays valid.
    public var verificationPeriodMonths: Int?
    /// Set on a verification service that is mandatory verification under the national catalogue, by the instrument's use.
    public var mandatoryVerificationCategory: MandatoryVerificationCategory?
}

/// One entry of a service's price history.
public struct ServicePrice: Codable, Sendable, Equatable {
    public var price: Money
    public var validFrom: Date
}
