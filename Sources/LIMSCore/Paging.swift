import Foundation
import Hummingbird

/// `?limit=` (default 50, at most 500) and `?cursor=`: a position in the list's order, after which the page starts.
///
/// A cursor is a position (a sequence number, an offset, or a packed key), written as a signed decimal integer. Any
/// well-formed position is a valid place to start, whether this server issued it or not: the page holds the entries
/// after it. Cursors of the earlier form (base64url of `p:<position>`) are still read, so a client's saved cursor works.
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
            issues.append(FieldIssue(field: "cursor", message: Self.cursorMessage))
        }
        if !issues.isEmpty { throw Problem.validation(issues) }
        self.init(limit: limit, cursor: cursor)
    }

    public init(_ request: Request) throws {
        try self.init(query: request.query)
    }

    static let cursorMessage = "must be a position (a signed decimal integer), as nextCursor gives it"

    /// The position the cursor stands for, or nil for the first page.
    public func cursorValue() throws -> Int64? {
        guard let cursor else { return nil }
        guard let value = Self.decode(cursor) else { throw Problem.invalid("cursor", Self.cursorMessage) }
        return value
    }

    /// The cursor of a position: its decimal digits, as the document's `Cursor` pattern describes.
    public static func encode(_ position: Int64) -> String {
        String(position)
    }

    /// A decimal position (an optional `-` and ASCII digits, within Int64), or a cursor of the earlier base64url form.
    static func decode(_ cursor: String) -> Int64? {
        let digits = cursor.utf8.first == UInt8(ascii: "-") ? cursor.utf8.dropFirst() : cursor.utf8[...]
        if !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return Int64(cursor)
        }
        return decodeBase64(cursor)
    }

    /// The earlier form: base64url (unpadded) of `p:<position>`.
    static func decodeBase64(_ cursor: String) -> Int64? {
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
