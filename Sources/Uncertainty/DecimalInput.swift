import Foundation

/// A decimal quantity in a request that clients may send either as a JSON number (`0.012`) or as a decimal string
/// (`"0.012"`); strings are preferred because they travel without binary rounding.
///
/// Decoding never fails: anything else (true, an object, `"abc"`) decodes with `value == nil` so validation can
/// report it against its field.
public struct DecimalInput: Sendable, Equatable, Codable, ExpressibleByStringLiteral {
    /// The text received, or the decimal text of the number received; empty for other JSON values.
    public var text: String
    /// The exact value, or `nil` when the input was not a decimal number.
    public var value: Decimal?

    /// From a decimal string; `value` is `nil` when it does not parse.
    public init(_ text: String) {
        self.text = text
        self.value = DecimalString(text)?.value
    }

    /// From an exact value.
    public init(_ value: Decimal) {
        self.text = value.description
        self.value = value
    }

    public init(stringLiteral text: String) {
        self.init(text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.init(text)
        } else if let number = try? container.decode(Decimal.self), !number.isNaN {
            // Foundation's JSONDecoder reads a Decimal from the number's digits, not through Double.
            self.init(number)
        } else {
            self.init("")
        }
    }

    /// Encodes as a string, so the exact text (trailing zeros included) survives the round trip.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
