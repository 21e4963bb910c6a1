import Foundation

/// The coverage factor k for a coverage probability and effective degrees of freedom (GUM G.4.1, G.6.4).
public enum CoverageFactor {
    /// ν_eff truncated to the next lower integer (at least 1), as GUM G.4.1 note 1 prescribes so that k is never
    /// understated by interpolating; `.infinity` stays infinite.
    public static func truncatedDegreesOfFreedom(_ effective: Double) -> Double {
        guard effective.isFinite else { return effective.isNaN ? .nan : .infinity }
        return max(1, effective.rounded(.down))
    }

    /// k = t_p(ν) at the truncated ν_eff, or the normal quantile when ν_eff is infinite.
    public static func value(coverageProbability: Double, effectiveDegreesOfFreedom: Double) -> Double {
        StudentTDistribution.twoSidedQuantile(
            coverage: coverageProbability,
            degreesOfFreedom: truncatedDegreesOfFreedom(effectiveDegreesOfFreedom)
        )
    }
}
