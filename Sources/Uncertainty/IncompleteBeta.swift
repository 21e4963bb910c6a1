import Foundation

/// The regularized incomplete beta function I_x(a, b), the engine behind Student's t distribution function.
///
/// Evaluated by its continued fraction (modified Lentz), on whichever side converges fast, returning both
/// I_x(a, b) and its complement so a caller can read a tiny tail probability without the cancellation of 1 − I.
enum IncompleteBeta {
    private static let maximumIterations = 20_000
    private static let relativeTolerance = 1e-16
    private static let tiny = 1e-300

    /// I_x(a, b) and 1 − I_x(a, b) = I_y(b, a), where the caller supplies y = 1 − x computed without cancellation.
    static func regularized(x: Double, y: Double, a: Double, b: Double) -> (value: Double, complement: Double) {
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        let logFront = LogGamma.value(a + b) - LogGamma.value(a) - LogGamma.value(b) + a * log(x) + b * log(y)
        let front = exp(logFront)
        // The fraction converges quickly only for x below the mean-like point (a + 1)/(a + b + 2); else use symmetry.
        if x < (a + 1) / (a + b + 2) {
            let value = front * continuedFraction(x: x, a: a, b: b) / a
            return (value, 1 - value)
        }
        let complement = front * continuedFraction(x: y, a: b, b: a) / b
        return (1 - complement, complement)
    }

    /// The continued fraction for I_x(a, b) (Numerical Recipes 6.4, evaluated by the modified Lentz method).
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let sum = a + b
        let aPlusOne = a + 1
        let aMinusOne = a - 1
        var c = 1.0
        var d = guardTiny(1 - sum * x / aPlusOne)
        d = 1 / d
        var result = d
        for m in 1...maximumIterations {
            let m = Double(m)
            let twoM = 2 * m
            // Even step of the recurrence.
            var numerator = m * (b - m) * x / ((aMinusOne + twoM) * (a + twoM))
            d = 1 / guardTiny(1 + numerator * d)
            c = guardTiny(1 + numerator / c)
            result *= d * c
            // Odd step.
            numerator = -(a + m) * (sum + m) * x / ((a + twoM) * (aPlusOne + twoM))
            d = 1 / guardTiny(1 + numerator * d)
            c = guardTiny(1 + numerator / c)
            let delta = d * c
            result *= delta
            if abs(delta - 1) <= relativeTolerance { break }
        }
        return result
    }

    /// Keeps Lentz's intermediate values away from exact zero, which would divide by zero.
    private static func guardTiny(_ value: Double) -> Double {
        abs(value) < tiny ? tiny : value
    }
}
