import Foundation
import Hummingbird

/// `?limit=` (default 50, at most 500) and an opaque `?cursor=`.
public struct PageRequest: Sendable {
    public var limit: Int
    public var cursor: String?

    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }

    /// Reads the paging parameters of a request, refusing out-of-range values with 422.
    public init(query: [String: String]) throws {
        var issues: [FieldIssue] = []
        var limit = 50
        if let raw = query["limit"] {
            if let value = Int(raw), (1...500).contains(value) {
                limit = value
            } else {
                issues.append(FieldIssue(field: "limit", message: "must be an integer from 1 to 500"))
            }
        }
        let cursor = query["cursor"].flatMap { $0.isEmpty ? nil : $0 }
        if let cursor, Self.decode(cursor) == nil {
            issues.append(FieldIssue(field: "cursor", message: "is not a cursor this server issued"))
        }
        if !issues.isEmpty { throw Problem.validation(issues) }
        self.init(limit: limit, cursor: cursor)
    }

    public init(_ request: Request) throws {
        try self.init(query: request.query)
    }

    /// The position the cursor stands for (a monotonically increasing sequence number), or nil for the first page.
    public func cursorValue() throws -> Int64? {
        guard let cursor else { return nil }
        guard let value = Self.decode(cursor) else { throw Problem.invalid("cursor", "is not a cursor this server issued") }
        return value
    }

    public static func encode(_ position: Int64) -> String {
        Data("p:\(position)".utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    static func decode(_ cursor: String) -> Int64? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8), text.hasPrefix("p:") else {
            return nil
        }
        return Int64(text.dropFirst(2))
    }
}

/// One page of a list: `{"items": [...], "nextCursor": "…" | null}`.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only tells that more exist.
    public init(fetched: [Item], limit: Int, position: (Item) -> Int64) {
        if fetched.count > limit {
            let items = Array(fetched.prefix(limit))
            self.init(items: items, nextCursor: items.last.map { PageRequest.encode(position($0)) })
        } else {
            self.init(items: fetched, nextCursor: nil)
        }
    }

    /// One page of a short list read whole (the catalogue, a customer's API keys, a person's authorisations), in the
    /// list's stable order; the cursor is the offset of the next page's first entry.
    public init(slicing all: [Item], page: PageRequest) throws {
        let start = Int(clamping: max(0, try page.cursorValue() ?? 0))
        let window = Array(all.enumerated().dropFirst(start).prefix(page.limit + 1))
        let sliced = Page<(offset: Int, element: Item)>(fetched: window, limit: page.limit) { Int64($0.offset + 1) }
        self.init(items: sliced.items.map(\.element), nextCursor: sliced.nextCursor)
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), nextCursor: nextCursor)
    }
}

extension Page: Encodable where Item: Encodable {
    enum CodingKeys: String, CodingKey { case items, nextCursor }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // explicit null on the last page
    }
}

extension Page: ResponseGenerator where Item: Encodable {}
extension Page: ResponseEncodable where Item: Encodable {}
