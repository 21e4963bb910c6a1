import Foundation
import LIMSCore

/// Display-ready text for view models: times in UTC as people read them, money with its currency, statuses through
/// the catalogue (`status.<kind>.<value>`).
public struct Display: Sendable {
    public let messages: MessageCatalogue
    public let language: Language

    public init(messages: MessageCatalogue, language: Language) {
        self.messages = messages
        self.language = language
    }

    /// `2026-12-01 14:05 UTC`.
    public func time(_ date: Date?) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0
        )
    }

    /// `1 234.50 CNY` from integer minor units.
    public func money(_ money: Money) -> String { money.formatted }

    /// A translated status or enum value; the raw value when the catalogue has no entry.
    public func status(_ kind: String, _ value: String) -> String {
        let key = "status.\(kind).\(value)"
        return messages.has(key) ? messages.text(key, language) : value
    }

    /// A catalogue text.
    public func text(_ key: String, _ arguments: String...) -> String {
        messages.format(messages.text(key, language), arguments)
    }
}
