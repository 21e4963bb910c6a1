import Foundation

/// A decimal number parsed exactly from its text, remembering how many decimal places the text carried.
///
/// `Decimal(string:)` alone is too lenient (it accepts `"12abc"` as 12), so the text is first checked against a strict
/// grammar: optional sign, digits with an optional fraction, optional exponent (`-12.50`, `.5`, `1.2e-3`).
/// The number of decimal places matters to metrologists: `"10.0"` states a resolution that `"10"` does not.
public struct DecimalString: Sendable, Equatable {
    /// Most significant digits a `Decimal` holds exactly; longer texts would be rounded silently, so they are refused.
    public static let maximumSignificantDigits = 38

    /// The exact value.
    public let value: Decimal
    /// Decimal places the text expressed (`"10.020"` → 3, `"1.5e-3"` → 4, `"1200"` → 0).
    public let decimalPlaces: Int

    /// Parses `text` (surrounding spaces allowed); `nil` when it is not a plain decimal number or exceeds `Decimal`.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let shape = Self.shape(of: Array(trimmed.utf8)) else { return nil }
        guard shape.significantDigits <= Self.maximumSignificantDigits else { return nil }
        // POSIX locale so a server locale with a decimal comma cannot change the meaning of ".".
        guard let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else { return nil }
        self.value = value
        self.decimalPlaces = max(0, shape.fractionDigits - shape.exponent)
    }

    private struct Shape {
        var fractionDigits = 0
        var exponent = 0
        var significantDigits = 0
    }

    /// Checks the grammar by hand (no regex engine needed) and counts what the caller needs.
    private static func shape(of bytes: [UInt8]) -> Shape? {
        var shape = Shape()
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var mantissaDigits: [UInt8] = []
        while index < bytes.count, isDigit(bytes[index]) {
            mantissaDigits.append(bytes[index])
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                mantissaDigits.append(bytes[index])
                shape.fractionDigits += 1
                index += 1
            }
        }
        guard !mantissaDigits.isEmpty else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var magnitude = 0
            var exponentDigits = 0
            while index < bytes.count, isDigit(bytes[index]) {
                // Cap the magnitude: anything this large is outside Decimal anyway and Decimal(string:) refuses it.
                magnitude = min(magnitude * 10 + Int(bytes[index] - UInt8(ascii: "0")), 100_000)
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            shape.exponent = negative ? -magnitude : magnitude
        }
        guard index == bytes.count else { return nil }
        // Leading zeros are not significant; trailing ones are kept because Decimal must store them in its mantissa.
        let significant = mantissaDigits.drop { $0 == UInt8(ascii: "0") }
        shape.significantDigits = significant.count
        return shape
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
