import Foundation

/// Student's t distribution: distribution function and two-sided quantiles, computed without lookup tables.
///
/// Quantiles use exact closed forms for ν = 1 and 2, the Cornish–Fisher expansion for very large ν (where it is
/// accurate to far beyond double precision), and otherwise Hill's algorithm 396 as a first guess refined by a
/// bracketed Newton iteration on the distribution function, which is evaluated through the incomplete beta function.
public enum StudentTDistribution {
    /// Above this many degrees of freedom the Cornish–Fisher series (error of order ν⁻⁵) replaces the iteration,
    /// whose incomplete beta function would need many terms and lose digits to ln Γ cancellation.
    static let cornishFisherThreshold = 1e5
    private static let maximumIterations = 200
    /// Below this coverage the quantile comes from the series about t = 0 (its next term is of order 1e-12 there).
    private static let smallCoverage = 1e-6

    /// P(T ≤ t) for ν degrees of freedom (ν > 0; `.infinity` gives the normal distribution).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        if nu == .infinity { return NormalDistribution.cdf(t) }
        let tails = twoSidedTails(abs(t), degreesOfFreedom: nu)
        // Half the two-sided tail lies beyond |t|; pick the side that avoids computing 1 − (something near 1).
        return t < 0 ? tails.outside / 2 : 1 - tails.outside / 2
    }

    /// The t with P(|T| ≤ t) = `coverage` for ν degrees of freedom: the coverage factor k of GUM G.3.4.
    /// ν may be any value ≥ 1 or `.infinity` (the normal quantile); `nan` outside the domain.
    public static func twoSidedQuantile(coverage: Double, degreesOfFreedom nu: Double) -> Double {
        guard coverage > 0, coverage < 1, nu >= 1 else { return .nan }
        if nu == .infinity { return NormalDistribution.twoSidedQuantile(coverage: coverage) }
        let tail = 1 - coverage
        if nu == 1 {
            // Cauchy: t = tan(πp/2); near p = 1 write it as cot(πq/2) so the small q keeps its digits.
            return coverage <= 0.5 ? tan(Double.pi * coverage / 2) : 1 / tan(Double.pi * tail / 2)
        }
        if nu == 2 {
            // P(|T| ≤ t) = t/√(2 + t²) inverts to t = p·√(2/(1 − p²)), with 1 − p² = q(1 + p).
            return coverage * (2 / (tail * (1 + coverage))).squareRoot()
        }
        if coverage < smallCoverage {
            // Near t = 0, P(|T| ≤ t) = 2 f(0) t (1 − (ν + 1) t²/(6ν) + …); inverting that series is exact to double
            // precision here, where t² would underflow inside the incomplete beta function.
            let linear = coverage / (2 * density(0, degreesOfFreedom: nu))
            return linear * (1 + (nu + 1) * linear * linear / (6 * nu))
        }
        let normal = NormalDistribution.twoSidedQuantile(coverage: coverage)
        if nu > cornishFisherThreshold { return cornishFisher(normal, degreesOfFreedom: nu) }
        let guess = hill(tail: tail, degreesOfFreedom: nu)
        return refine(guess: guess.isFinite && guess > 0 ? guess : normal, coverage: coverage, degreesOfFreedom: nu)
    }

    /// P(|T| > t) and P(|T| ≤ t) for t ≥ 0, both to full relative precision through the incomplete beta function:
    /// P(|T| > t) = I_x(ν/2, ½) with x = ν/(ν + t²).
    static func twoSidedTails(_ t: Double, degreesOfFreedom nu: Double) -> (outside: Double, inside: Double) {
        let tSquared = t * t
        let x = nu / (nu + tSquared)
        let y = tSquared / (nu + tSquared)
        let beta = IncompleteBeta.regularized(x: x, y: y, a: nu / 2, b: 0.5)
        return (beta.value, beta.complement)
    }

    /// The density f(t).
    static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let logNormalizer = LogGamma.value((nu + 1) / 2) - LogGamma.value(nu / 2) - 0.5 * log(nu * Double.pi)
        return exp(logNormalizer - (nu + 1) / 2 * log1p(t * t / nu))
    }

    /// Solves P(|T| ≤ t) = coverage by Newton's method kept inside a shrinking bracket (bisecting when a step
    /// would leave it), so a poor first guess costs iterations but never correctness.
    ///
    /// For coverage above ½ the equation is solved as ln P(|T| > t) = ln(1 − coverage), which is nearly linear in
    /// ln t in the tail and keeps tiny tail probabilities exact.
    private static func refine(guess: Double, coverage: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 1 - coverage
        let useTail = coverage > 0.5
        // g increases with t and is zero at the answer; g' is its derivative.
        func residual(_ t: Double) -> (g: Double, slope: Double) {
            let tails = twoSidedTails(t, degreesOfFreedom: nu)
            let twoSidedDensity = 2 * density(t, degreesOfFreedom: nu)
            if useTail {
                return (log(tail) - log(tails.outside), twoSidedDensity / tails.outside)
            }
            return (tails.inside - coverage, twoSidedDensity)
        }
        var lower = 0.0
        var upper = Double.infinity
        var t = guess
        for _ in 0..<maximumIterations {
            let (g, slope) = residual(t)
            if g == 0 { return t }
            if g < 0 { lower = t } else { upper = t }
            var next = t - g / slope
            if !(next.isFinite && next > lower && next < upper) {
                next = upper.isFinite ? (lower + upper) / 2 : t * 2
            }
            if abs(next - t) <= 1e-14 * t { return next }
            t = next
        }
        return t
    }

    /// Hill's (1970) algorithm 396 approximation to the t quantile with two-sided tail probability `tail`,
    /// following the form used by R's `qt`. Accurate to several digits; only a starting point here.
    static func hill(tail: Double, degreesOfFreedom nu: Double) -> Double {
        let a = 1 / (nu - 0.5)
        let b = 48 / (a * a)
        var c = ((20700 * a / b - 98) * a - 16) * a + 96.36
        let d = ((94.5 / (b + c) - 3) / b + 1) * (a * Double.pi / 2).squareRoot() * nu
        var y = pow(d * tail, 2 / nu)
        if y > 0.05 + a {
            // Far enough into the body: an expansion about the normal quantile.
            let x = NormalDistribution.quantile(0.5 * tail)
            let xSquared = x * x
            if nu < 5 { c += 0.3 * (nu - 4.5) * (x + 0.6) }
            c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
            y = (((((0.4 * xSquared + 6.3) * xSquared + 36) * xSquared + 94.5) / c - xSquared - 3) / b + 1) * x
            y = expm1(a * y * y)
        } else {
            // Extreme tail: an asymptotic series in y.
            y = ((1 / (((nu + 6) / (nu * y) - 0.089 * d - 0.822) * (nu + 2) * 3) + 0.5 / (nu + 4)) * y - 1)
                * (nu + 1) / (nu + 2) + 1 / y
        }
        return (nu * y).squareRoot()
    }

    /// The Cornish–Fisher expansion of t about the normal quantile z (Abramowitz & Stegun 26.7.5), four terms.
    static func cornishFisher(_ z: Double, degreesOfFreedom nu: Double) -> Double {
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
    }
}
