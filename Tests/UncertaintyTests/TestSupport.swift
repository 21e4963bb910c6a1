import Foundation

/// Whether `actual` is within `relative` of `expected`.
func isClose(_ actual: Double, _ expected: Double, relative: Double) -> Bool {
    abs(actual - expected) <= relative * abs(expected)
}

/// `value` rounded to `places` decimal places, for comparing with printed tables.
func rounded(_ value: Double, places: Int) -> Double {
    let scale = pow(10, Double(places))
    return (value * scale).rounded() / scale
}

/// `value` rounded to `digits` significant digits, for comparing with printed tables.
func significant(_ value: Double, digits: Int) -> Double {
    let exponent = Int(log10(abs(value)).rounded(.down)) - (digits - 1)
    let scale = pow(10, Double(-exponent))
    return (value * scale).rounded() / scale
}
