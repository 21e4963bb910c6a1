import Foundation
import LIMSCore

/// Reading a report's query parameters, collecting every problem before answering 422.
public struct ReportParameters {
    let query: [String: String]
    public var validator = Validator()

    public init(_ query: [String: String]) {
        self.query = query
    }

    /// A `YYYY-MM-DD` parameter, or `fallback` when absent.
    public mutating func day(_ name: String, default fallback: @autoclosure () -> String?) -> String? {
        guard let raw = query[name] else { return fallback() }
        guard DateFormats.parseDay(raw) != nil else {
            validator.add(name, "must be a date (YYYY-MM-DD)")
            return nil
        }
        return raw
    }

    /// `from` and `to` (inclusive); `to` defaults to `asOf`'s today and `from` to `defaultDays - 1` days before `to`.
    public mutating func range(today: String, defaultDays: Int) -> (from: String, to: String)? {
        let to = day("to", default: today)
        let from = day("from", default: to.map { Self.day($0, plus: -(defaultDays - 1)) })
        guard let from, let to else { return nil }
        if from > to {
            validator.add("from", "must not be after to")
            return nil
        }
        return (from, to)
    }

    /// One of `allowed`, or `fallback` when absent.
    public mutating func choice(_ name: String, _ allowed: [String], default fallback: String) -> String {
        guard let raw = query[name] else { return fallback }
        guard allowed.contains(raw) else {
            validator.add(name, "must be one of: \(allowed.joined(separator: ", "))")
            return fallback
        }
        return raw
    }

    /// A whole number within `bounds`, or `fallback` when absent.
    public mutating func integer(_ name: String, in bounds: ClosedRange<Int>, default fallback: Int) -> Int {
        guard let raw = query[name] else { return fallback }
        guard let value = Int(raw), bounds.contains(value) else {
            validator.add(name, "must be a whole number from \(bounds.lowerBound) to \(bounds.upperBound)")
            return fallback
        }
        return value
    }

    public func finish() throws { try validator.finish() }

    /// `day` moved by `days` (UTC calendar days).
    public static func day(_ day: String, plus days: Int) -> String {
        guard let date = DateFormats.parseDay(day) else { return day }
        return DateFormats.formatDay(date.addingTimeInterval(Double(days) * 86_400))
    }
}
