import Foundation
import LIMSCore

/// One entry of an item's custody timeline as a page shows it (console and portal alike).
public struct TimelineEvent: Sendable {
    public var time: String
    public var action: String
    public var actor: String
    public var lines: [String]
}

extension Display {
    /// A custody change in words: where the item went, its status change, the facts recorded with it (lab number,
    /// condition, notes, return method and tracking) and the reason given. Texts come from the `item.*` catalogue keys.
    public func custodyEvent(
        at: Date, action: String, actor: AuditActor, fromLocation: String?, toLocation: String?, fromStatus: String?, toStatus: String?,
        details: JSONValue, reason: String?
    ) -> TimelineEvent {
        var lines: [String] = []
        if fromLocation != toLocation {
            if let from = fromLocation {
                lines.append(text("item.event.location", from, toLocation ?? text("item.event.outOfLab")))
            } else if let to = toLocation {
                lines.append(text("item.event.placed", to))
            }
        }
        if let from = fromStatus, let to = toStatus, from != to {
            lines.append(text("item.event.status", status("item", from), status("item", to)))
        }
        if case .object(let details) = details {
            if case .string(let number)? = details["number"] { lines.append(text("item.event.labNumber", number)) }
            if case .string(let condition)? = details["condition"] {
                let key = "item.conditions.\(condition)"
                lines.append(text("item.event.condition", messages.has(key) ? text(key) : condition))
            }
            if case .string(let notes)? = details["notes"] { lines.append(text("item.event.notes", notes)) }
            if case .string(let method)? = details["method"] {
                let key = "item.methods.\(method)"
                lines.append(text("item.event.method", messages.has(key) ? text(key) : method))
            }
            if case .string(let tracking)? = details["trackingNumber"] { lines.append(text("item.event.tracking", tracking)) }
        }
        if let reason { lines.append(text("item.event.reason", reason)) }
        return TimelineEvent(
            time: time(at), action: text("item.actions.\(action)"), actor: text("item.event.by", actor.name ?? actor.kind), lines: lines
        )
    }
}
