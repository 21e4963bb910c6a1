import Foundation

/// Durations as settings write them: `45s`, `5m`, `2h`, `7d`, or plain seconds (`90`).
public enum DurationText {
    /// The duration `text` names, or `nil` when it is not one (negative, empty, unknown unit, overflow).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let unit: Int64
        var digits = Substring(trimmed)
        switch last {
        case "s": unit = 1
        case "m": unit = 60
        case "h": unit = 3_600
        case "d": unit = 86_400
        case "0"..."9": unit = 1
        default: return nil
        }
        if last.isLetter { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value >= 0 else { return nil }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        return .seconds(seconds)
    }

    /// Whole seconds of `duration`, for SQL intervals.
    public static func seconds(_ duration: Duration) -> Int64 { duration.components.seconds }
}
