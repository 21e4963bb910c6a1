import Foundation

/// The standard normal distribution: its distribution function and quantiles, computed without lookup tables.
public enum NormalDistribution {
    /// Φ(x), through `erfc` so the lower tail keeps full relative precision.
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step on `erfc`,
    /// which brings it to about machine precision. −∞ at 0, +∞ at 1, `nan` outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        // Work in the lower half, where p itself is exact and erfc is accurate, and reflect; 1 − p is exact for p ≥ ½.
        if p > 0.5 { return -quantile(1 - p) }
        let estimate = acklam(p)
        let error = cdf(estimate) - p
        let scaled = error * (2 * Double.pi).squareRoot() * exp(estimate * estimate / 2)
        let refined = estimate - scaled / (1 + estimate * scaled / 2)
        // In the far subnormal tail exp() overflows; the unrefined estimate is then the best available.
        return refined.isFinite ? refined : estimate
    }

    /// The z with P(|Z| ≤ z) = `coverage`: the coverage factor for an infinite number of degrees of freedom.
    public static func twoSidedQuantile(coverage: Double) -> Double {
        guard coverage > 0, coverage < 1 else { return .nan }
        if coverage < 1e-6 {
            // (1 − p)/2 would round to ½ and lose p entirely; invert P(|Z| ≤ z) = 2φ(0) z (1 − z²/6 + …) instead.
            let linear = coverage * (2 * Double.pi).squareRoot() / 2
            return linear * (1 + linear * linear / 6)
        }
        return -quantile((1 - coverage) / 2)
    }

    /// Acklam's approximation for 0 < p ≤ ½ (the caller reflects the upper half).
    private static func acklam(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let lowerBreak = 0.02425
        if p < lowerBreak {
            let q = (-2 * log(p)).squareRoot()
            let numerator = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
            let denominator = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
            return numerator / denominator
        }
        let q = p - 0.5
        let r = q * q
        let numerator = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        let denominator = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
        return numerator / denominator
    }
}
