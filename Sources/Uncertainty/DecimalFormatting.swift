import Foundation

/// Decimal rounding and fixed-point formatting shared by the reporting and statistics helpers.
///
/// Rounding is half-even (ISO 80000-1:2009 Annex B, rule B): a value exactly halfway between two candidates goes to
/// the even one, so repeated rounding of many results carries no systematic bias.
public enum DecimalFormatting {
    /// Rounds `value` half-even to a multiple of 10^`exponent` (`exponent` -6 → micro units, 2 → hundreds).
    public static func rounded(_ value: Decimal, toExponent exponent: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, -exponent, .bankers)
        return output
    }

    /// Rounds `value` half-even to a multiple of 10^`exponent` and writes it in plain notation with exactly
    /// `max(0, -exponent)` decimal places, keeping trailing zeros (`50.000800`) because they state the resolution.
    public static func string(_ value: Decimal, roundedToExponent exponent: Int) -> String {
        let rounded = rounded(value, toExponent: exponent)
        let places = max(0, -exponent)
        // Decimal writes plain notation; split it so the fraction can be padded to the stated number of places.
        let text = rounded.magnitude.description
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? "0"
        var fractionPart = parts.count > 1 ? String(parts[1]) : ""
        if fractionPart.count < places {
            fractionPart += String(repeating: "0", count: places - fractionPart.count)
        }
        let sign = rounded < 0 ? "-" : ""
        return places > 0 ? "\(sign)\(integerPart).\(fractionPart)" : "\(sign)\(integerPart)"
    }

    /// Rounds `value` half-even to `decimalPlaces` places and writes it with exactly that many places.
    public static func string(_ value: Decimal, decimalPlaces: Int) -> String {
        string(value, roundedToExponent: -decimalPlaces)
    }

    /// The nearest `Double`, through the decimal text because `Double(String)` rounds correctly.
    static func double(_ value: Decimal) -> Double {
        Double(value.description) ?? .nan
    }
}
