import Foundation

/// Decides conformity of a measured error against a maximum permissible error (MPE), per ILAC-G8:2019.
///
/// The limits are symmetric: ±MPE around zero error. Under the guarded rule the guard band is w = U:
///
/// | |e|                     | decision           |
/// |-------------------------|--------------------|
/// | |e| < MPE − U           | pass               |
/// | MPE − U ≤ |e| ≤ MPE     | conditional-pass   |
/// | MPE < |e| ≤ MPE + U     | conditional-fail   |
/// | |e| > MPE + U           | fail               |
///
/// On the edge |e| = MPE − U the interval e ± U just touches the limit, so conformity is no longer assured beyond
/// doubt; it is stated as conditional-pass (the cautious reading). |e| = MPE itself is within the limit, so it is a
/// (conditional) pass, and |e| = MPE + U is a conditional-fail because the interval still reaches the limit.
///
/// Prefer the `Decimal` overload with decimal-string inputs and the stated (rounded-up) uncertainty
/// ``ReportedUncertainty/value``: it decides exactly what the certificate prints, with no binary-fraction noise
/// moving a result across a boundary.
public enum Conformity {
    /// Decides with exact decimal arithmetic. `mpe` should be > 0 and `expandedUncertainty` ≥ 0.
    public static func decide(
        measuredError: Decimal,
        mpe: Decimal,
        expandedUncertainty: Decimal,
        rule: DecisionRule
    ) -> ConformityDecision {
        decide(magnitude: measuredError.magnitude, mpe: mpe, expandedUncertainty: expandedUncertainty, rule: rule)
    }

    /// Decides with `Double` arithmetic, for errors and uncertainties that were computed rather than read.
    public static func decide(
        measuredError: Double,
        mpe: Double,
        expandedUncertainty: Double,
        rule: DecisionRule
    ) -> ConformityDecision {
        decide(magnitude: measuredError.magnitude, mpe: mpe, expandedUncertainty: expandedUncertainty, rule: rule)
    }

    /// Decides from decimal strings (e.g. `"0.012"`), exactly; `nil` when any of them is not a decimal number.
    public static func decide(
        measuredError: String,
        mpe: String,
        expandedUncertainty: String,
        rule: DecisionRule
    ) -> ConformityDecision? {
        guard let error = DecimalString(measuredError), let limit = DecimalString(mpe),
              let uncertainty = DecimalString(expandedUncertainty) else { return nil }
        return decide(measuredError: error.value, mpe: limit.value, expandedUncertainty: uncertainty.value, rule: rule)
    }

    /// The rule itself, shared by both number types so they cannot disagree.
    private static func decide<Number: Comparable & AdditiveArithmetic>(
        magnitude: Number,
        mpe: Number,
        expandedUncertainty: Number,
        rule: DecisionRule
    ) -> ConformityDecision {
        switch rule {
        case .simple:
            return magnitude <= mpe ? .pass : .fail
        case .guarded:
            if magnitude < mpe - expandedUncertainty { return .pass }
            if magnitude <= mpe { return .conditionalPass }
            if magnitude <= mpe + expandedUncertainty { return .conditionalFail }
            return .fail
        }
    }
}
