import Foundation

/// Statistics of one measurement point's repeated readings (GUM 4.2): the Type A evaluation.
///
/// Readings arrive as decimal strings so the mean is computed exactly in `Decimal`; only the spread, which feeds an
/// uncertainty and is never reported to more than two digits, goes through `Double`.
public struct ReadingStatistics: Sendable, Equatable {
    /// Number of readings n (at least two).
    public let count: Int
    /// Arithmetic mean, exact to `Decimal` precision (GUM 4.2.1).
    public let mean: Decimal
    /// Decimal places of the most precise reading; the formatted mean carries one more.
    public let readingDecimalPlaces: Int
    /// Experimental standard deviation s of the readings, with n − 1 in the denominator (GUM 4.2.2).
    public let standardDeviation: Double

    /// Parses and summarises `readings`; throws naming every bad reading as `readings[i]`.
    public init(readings: [String]) throws(UncertaintyValidationError) {
        let issues = Self.issues(for: readings, path: "readings")
        guard issues.isEmpty else { throw UncertaintyValidationError(issues: issues) }
        self.init(parsed: readings.compactMap { DecimalString($0) })
    }

    /// Summarises already-parsed readings; the caller guarantees at least two.
    init(parsed: [DecimalString]) {
        count = parsed.count
        readingDecimalPlaces = parsed.map(\.decimalPlaces).max() ?? 0
        let sum = parsed.reduce(Decimal(0)) { $0 + $1.value }
        let mean = sum / Decimal(parsed.count)
        self.mean = mean
        // Deviations are exact in Decimal, so no cancellation from large, nearly equal readings.
        let deviations = parsed.map { $0.value - mean }
        let sumOfSquares = deviations.reduce(Decimal(0)) { $0 + $1 * $1 }
        var variance = DecimalFormatting.double(sumOfSquares / Decimal(parsed.count - 1))
        if !variance.isFinite {
            // Decimal overflowed (readings beyond ~1e80); fall back to Double, which has the range.
            variance = deviations.map { DecimalFormatting.double($0) }.reduce(0) { $0 + $1 * $1 } / Double(parsed.count - 1)
        }
        standardDeviation = variance.squareRoot()
    }

    /// The problems with `readings`, as field paths below `path`: fewer than two, or entries not decimal numbers.
    static func issues(for readings: [String], path: String) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if readings.count < 2 {
            issues.append(FieldIssue(field: path, message: "needs at least two readings to estimate a standard deviation"))
        }
        for (index, reading) in readings.enumerated() where DecimalString(reading) == nil {
            issues.append(FieldIssue(field: "\(path)[\(index)]", message: "is not a decimal number"))
        }
        return issues
    }

    /// The mean written with one more decimal place than the most precise reading (half-even rounding), the usual
    /// convention so averaging does not appear to lose or invent resolution.
    public var meanText: String {
        DecimalFormatting.string(mean, decimalPlaces: readingDecimalPlaces + 1)
    }

    /// Standard uncertainty of the mean, s/√n (GUM 4.2.3).
    public var standardUncertainty: Double {
        standardDeviation / Double(count).squareRoot()
    }

    /// Degrees of freedom of that uncertainty, n − 1 (GUM G.3.3).
    public var degreesOfFreedom: Double {
        Double(count - 1)
    }
}
