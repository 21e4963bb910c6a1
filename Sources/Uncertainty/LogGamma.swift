import Foundation

/// ln Γ(x) for x > 0, computed here rather than with C `lgamma`, which writes the global `signgam` and so is not
/// safe to call from concurrent tasks.
enum LogGamma {
    /// Below this the Stirling series is not accurate enough, so the argument is first shifted up by recurrence.
    private static let stirlingThreshold = 10.0

    /// ln Γ(x) with about 15 significant digits; `nan` for x ≤ 0 (not needed by this module).
    static func value(_ x: Double) -> Double {
        guard x > 0, !x.isNaN else { return .nan }
        guard x.isFinite else { return .infinity }
        var shifted = x
        var logProduct = 0.0
        // Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)); accumulate the product's logarithm one factor at a time.
        while shifted < stirlingThreshold {
            logProduct += log(shifted)
            shifted += 1
        }
        return stirling(shifted) - logProduct
    }

    /// Stirling's series with Bernoulli-number terms up to x⁻¹³, accurate to ~1e-16 for x ≥ 10.
    private static func stirling(_ x: Double) -> Double {
        let inverse = 1 / x
        let inverseSquared = inverse * inverse
        let series = inverse * (1.0 / 12 + inverseSquared * (-1.0 / 360 + inverseSquared * (1.0 / 1260
            + inverseSquared * (-1.0 / 1680 + inverseSquared * (1.0 / 1188 + inverseSquared * (-691.0 / 360_360
            + inverseSquared * (1.0 / 156)))))))
        return (x - 0.5) * log(x) - x + 0.5 * log(2 * Double.pi) + series
    }
}
