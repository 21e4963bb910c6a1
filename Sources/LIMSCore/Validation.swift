import Foundation

/// Collects every problem of a request before answering, so a client fixes them all in one round trip.
public struct Validator: Sendable {
    public private(set) var issues: [FieldIssue] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        issues.append(FieldIssue(field: field, message: message))
    }

    public mutating func add(contentsOf more: [FieldIssue]) {
        issues.append(contentsOf: more)
    }

    /// Records `message` for `field` unless `condition` holds.
    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { add(field, message) }
    }

    /// Returns the trimmed text, recording an issue when it is missing, blank or longer than `maxLength`.
    @discardableResult
    public mutating func requireText(_ value: String?, _ field: String, maxLength: Int = 500) -> String {
        let trimmed = value?.trimmed() ?? ""
        guard !trimmed.isEmpty else {
            add(field, "is required")
            return ""
        }
        if trimmed.count > maxLength { add(field, "must be at most \(maxLength) characters") }
        return trimmed
    }

    /// Parses an enum value, recording an issue that lists the allowed values.
    public mutating func requireEnum<E: RawRepresentable & CaseIterable>(_ raw: String?, _ field: String, as type: E.Type) -> E?
    where E.RawValue == String {
        guard let raw else {
            add(field, "is required")
            return nil
        }
        guard let value = E(rawValue: raw) else {
            add(field, "must be one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// Throws a 422 problem naming every issue, if there are any.
    public func finish() throws {
        if !issues.isEmpty { throw Problem.validation(issues) }
    }
}

/// Calendar dates (`YYYY-MM-DD`) and RFC 3339 timestamps as the contract writes them.
public enum DateFormats {
    public static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    public static func formatDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    public static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
