/// Combination of uncorrelated contributions and the Welch–Satterthwaite effective degrees of freedom (GUM G.4.1).
///
/// Both scale every contribution by the largest one before squaring, so budgets in any unit (1e-9 m or 1e12 Pa)
/// neither underflow nor overflow when raised to the fourth power.
public enum WelchSatterthwaite {
    /// u_c = √Σ uᵢ², where uᵢ = |cᵢ·u(xᵢ)| (GUM 5.1.2, uncorrelated inputs).
    public static func combinedStandardUncertainty(contributions: [Double]) -> Double {
        let largest = contributions.map(abs).max() ?? 0
        guard largest > 0 else { return 0 }
        let sum = contributions.reduce(0.0) { partial, contribution in
            let ratio = contribution / largest
            return partial + ratio * ratio
        }
        return largest * sum.squareRoot()
    }

    /// ν_eff = u_c⁴ / Σ uᵢ⁴/νᵢ; `.infinity` when every contributing νᵢ is infinite or nothing contributes.
    ///
    /// Components contributing zero are skipped: they add nothing to the spread of the result, so their νᵢ must not
    /// influence ν_eff. The value is not truncated; ``CoverageFactor`` does that when it looks up t.
    public static func effectiveDegreesOfFreedom(contributions: [Double], degreesOfFreedom: [Double]) -> Double {
        let largest = contributions.map(abs).max() ?? 0
        guard largest > 0 else { return .infinity }
        var sumOfSquares = 0.0
        var denominator = 0.0
        for (contribution, nu) in zip(contributions, degreesOfFreedom) where contribution != 0 {
            let ratio = abs(contribution) / largest
            let square = ratio * ratio
            sumOfSquares += square
            if nu.isFinite { denominator += square * square / nu }
        }
        guard denominator > 0 else { return .infinity }
        return sumOfSquares * sumOfSquares / denominator
    }
}
