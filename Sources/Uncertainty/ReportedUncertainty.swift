import Foundation

/// An expanded uncertainty as it is stated on a certificate: at most two significant digits, rounded up (GUM 7.2.6).
///
/// Rounding up means the stated figure is never smaller than the evaluated one, so the stated coverage is never
/// overstated. Binary floating point makes "exactly 93" arrive as 93.00000000001 or 92.99999999999; values within
/// a relative 1e-9 of a rounding boundary are taken to be on it, so such noise neither adds a spurious step
/// (93 → 94) nor hides a real one.
public struct ReportedUncertainty: Sendable, Equatable {
    /// Relative distance within which a value counts as lying on a rounding boundary.
    public static let boundaryTolerance = 1e-9

    /// The stated digits as an integer (`93` for 0.000093).
    public let significand: Int
    /// Power of ten of the last stated digit (`-6` for 0.000093, `2` for 1300); the result is rounded to this place.
    public let exponent: Int

    /// Rounds `expandedUncertainty` up to `significantDigits` significant digits (1 to 15; GUM allows at most 2).
    /// `nil` when it is zero, negative, not finite, or the digit count is out of range: there is nothing to state.
    public init?(expandedUncertainty: Double, significantDigits: Int = 2) {
        guard expandedUncertainty.isFinite, expandedUncertainty > 0, (1...15).contains(significantDigits) else { return nil }
        let lowest = pow(10, Double(significantDigits - 1))
        let highest = lowest * 10
        var exponent = Int(log10(expandedUncertainty).rounded(.down)) - (significantDigits - 1)
        var scaled = Self.scale(expandedUncertainty, byPowerOfTenMinus: exponent)
        // log10 can land one off near powers of ten; nudge until the scaled value has the wanted number of digits.
        while scaled >= highest {
            exponent += 1
            scaled = Self.scale(expandedUncertainty, byPowerOfTenMinus: exponent)
        }
        while scaled < lowest {
            exponent -= 1
            scaled = Self.scale(expandedUncertainty, byPowerOfTenMinus: exponent)
        }
        let nearest = scaled.rounded()
        var digits = abs(scaled - nearest) <= Self.boundaryTolerance * scaled ? nearest : scaled.rounded(.up)
        if digits >= highest {
            // 99.7 → 100 has three digits; state it as 10 × 10^(e+1).
            digits /= 10
            exponent += 1
        }
        self.significand = Int(digits)
        self.exponent = exponent
    }

    /// The stated uncertainty, exactly.
    public var value: Decimal {
        Decimal(sign: .plus, exponent: exponent, significand: Decimal(significand))
    }

    /// Decimal places of the stated uncertainty, and so of the result it accompanies (0 when the last digit is a
    /// unit or above).
    public var decimalPlaces: Int {
        max(0, -exponent)
    }

    /// The stated uncertainty in plain notation (`"0.000093"`, `"93"`, `"1300"`).
    public var text: String {
        DecimalFormatting.string(value, roundedToExponent: exponent)
    }

    /// `result` rounded to the place of the uncertainty's last digit (GUM 7.2.6), half-even (ISO 80000-1 Annex B,
    /// rule B, chosen because it is unbiased), in plain notation: 50.0008382 with U = 0.000093 gives `"50.000838"`.
    public func roundResult(_ result: Decimal) -> String {
        DecimalFormatting.string(result, roundedToExponent: exponent)
    }

    /// As ``roundResult(_:)-(Decimal)`` for a result given as a decimal string; `nil` when it is not a number.
    public func roundResult(_ result: String) -> String? {
        DecimalString(result).map { roundResult($0.value) }
    }

    /// value × 10^(−power), multiplying by an exact power of ten where possible to avoid an extra rounding.
    private static func scale(_ value: Double, byPowerOfTenMinus power: Int) -> Double {
        power <= 0 ? value * pow(10, Double(-power)) : value / pow(10, Double(power))
    }
}
