import Foundation

/// An amount in integer minor units of an ISO 4217 currency: `{"amountMinor": 12345, "currency": "CNY"}`.
public struct Money: Codable, Sendable, Equatable, Hashable {
    public var amountMinor: Int64
    public var currency: String

    public init(amountMinor: Int64, currency: String) {
        self.amountMinor = amountMinor
        self.currency = currency
    }

    public static func zero(_ currency: String) -> Money { Money(amountMinor: 0, currency: currency) }

    /// The largest amount a client may state (10^11 minor units: a billion yuan). Quotes multiply prices by up to
    /// 200 items and 100 000 basis points, and this bound keeps every such product inside `Int64`.
    public static let maximumAmountMinor: Int64 = 100_000_000_000

    /// Validation issues of a money value received from a client, at JSON path `field`.
    public static func issues(_ money: Money?, field: String, allowZero: Bool = true) -> [FieldIssue] {
        guard let money else { return [FieldIssue(field: field, message: "is required")] }
        var issues: [FieldIssue] = []
        if money.amountMinor < 0 || (!allowZero && money.amountMinor == 0) {
            issues.append(FieldIssue(field: "\(field).amountMinor", message: allowZero ? "must not be negative" : "must be positive"))
        } else if money.amountMinor > maximumAmountMinor {
            issues.append(FieldIssue(field: "\(field).amountMinor", message: "must be at most \(maximumAmountMinor)"))
        }
        if !Currency.isValid(money.currency) {
            issues.append(FieldIssue(field: "\(field).currency", message: "must be an ISO 4217 code such as CNY, EUR or USD"))
        }
        return issues
    }

    /// `rate` basis points of `amount`, rounded half-even to the minor unit (1300 bp = 13 %).
    public static func basisPoints(_ rate: Int, of amount: Int64) -> Int64 {
        roundHalfEven(numerator: amount * Int64(rate), denominator: 10_000)
    }

    /// Integer division rounded half to even: the rounding an invoice auditor expects (no drift over many lines).
    public static func roundHalfEven(numerator: Int64, denominator: Int64) -> Int64 {
        precondition(denominator > 0, "denominator must be positive")
        var quotient = numerator / denominator
        var remainder = numerator % denominator
        if remainder < 0 {
            quotient -= 1
            remainder += denominator
        }
        let twice = remainder * 2
        if twice > denominator || (twice == denominator && quotient % 2 != 0) {
            quotient += 1
        }
        return quotient
    }

    /// "667.80 CNY", for documents meant to be read.
    public var formatted: String {
        let digits = Currency.minorDigits(currency)
        let sign = amountMinor < 0 ? "-" : ""
        let magnitude = amountMinor.magnitude
        guard digits > 0 else { return "\(sign)\(magnitude) \(currency)" }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(magnitude % scale)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(magnitude / scale).\(padded) \(currency)"
    }

    /// The amount as a plain decimal string ("667.80"), for CSV exports.
    public var decimalString: String {
        String(formatted.split(separator: " ").first ?? "")
    }
}

/// ISO 4217 facts the system needs: which codes exist here and how many minor digits they have.
public enum Currency {
    static let zeroDecimal: Set<String> = ["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"]
    static let threeDecimal: Set<String> = ["BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"]

    public static func isValid(_ code: String) -> Bool {
        code.count == 3 && code.allSatisfy { $0.isASCII && $0.isUppercase }
    }

    public static func minorDigits(_ code: String) -> Int {
        if zeroDecimal.contains(code) { return 0 }
        if threeDecimal.contains(code) { return 3 }
        return 2
    }
}
