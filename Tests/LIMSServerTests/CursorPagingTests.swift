import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

/// A cursor is a position in a list's order, written in decimal: any well-formed one is a valid place to start, whether
/// the server issued it or not, and cursors of the earlier base64 form still work.
@Suite("Cursors are positions")
struct CursorPagingTests {
    /// Whether `cursor` matches the document's `Cursor` pattern.
    static func isWellFormed(_ cursor: String) throws -> Bool {
        try cursor.wholeMatch(of: Regex("^(-?([0-9]{1,18}|[1-8][0-9]{18}))?$")) != nil
    }

    @Test func aWellFormedCursorTheServerNeverIssuedGivesThePageAfterIt() async throws {
        try await TestLab.run { lab in
            for _ in 0..<5 { _ = try await lab.service() }
            let all = try await lab.api.get("/v1/services?limit=500", token: lab.adminToken).array("items").compactMap { $0["code"]?.stringValue }
            #expect(all.count >= 5)

            // The issued cursor is the position in decimal, as the document's pattern says.
            let first = try await lab.api.get("/v1/services?limit=2", token: lab.adminToken)
            let issued = try first.string("nextCursor")
            #expect(issued == "2")
            #expect(try Self.isWellFormed(issued))

            // Position 1 was never issued at limit 2; the page holds the entries after it.
            let odd = try await lab.api.get("/v1/services?limit=2&cursor=1", token: lab.adminToken)
            try odd.expect(.ok)
            #expect(try odd.array("items").compactMap { $0["code"]?.stringValue } == Array(all[1..<3]))
            #expect(try odd.string("nextCursor") == "3")

            // Before the start: the first page; past the end: an empty last page.
            let before = try await lab.api.get("/v1/services?limit=2&cursor=-42", token: lab.adminToken)
            #expect(try before.array("items").compactMap { $0["code"]?.stringValue } == Array(all[0..<2]))
            let past = try await lab.api.get("/v1/services?limit=2&cursor=8999999999999999999", token: lab.adminToken)
            try past.expect(.ok)
            #expect(try past.array("items").isEmpty)
            #expect(past.value("nextCursor") == .null)

            // The earlier form (base64url of "p:2") still reads as position 2.
            let legacy = try await lab.api.get("/v1/services?limit=2&cursor=cDoy", token: lab.adminToken)
            #expect(try legacy.array("items").compactMap { $0["code"]?.stringValue } == Array(all[2..<4]))

            // Anything else is 422 naming the cursor.
            for bad in ["bogus", "1.5", "-", "99999999999999999999"] {
                #expect(try await lab.api.get("/v1/services?cursor=\(bad)", token: lab.adminToken).problemFields == ["cursor"], "\(bad)")
            }
        }
    }

    @Test func sequenceCursorsAcceptAnyPosition() async throws {
        try await TestLab.run { lab in
            for _ in 0..<3 { _ = try await lab.staff(["technician"]) }
            let all = try await lab.api.get("/v1/users?limit=500", token: lab.adminToken).array("items").compactMap { $0["id"]?.stringValue }
            let first = try await lab.api.get("/v1/users?limit=1", token: lab.adminToken)
            let cursor = try first.string("nextCursor")
            #expect(try Self.isWellFormed(cursor))
            let position = try #require(Int64(cursor))
            // One less than an issued position starts at the same entry (positions are sequence numbers, increasing).
            let again = try await lab.api.get("/v1/users?limit=500&cursor=\(position - 1)", token: lab.adminToken)
            try again.expect(.ok)
            #expect(try again.array("items").compactMap { $0["id"]?.stringValue } == all)
            let next = try await lab.api.get("/v1/users?limit=500&cursor=\(position)", token: lab.adminToken)
            #expect(try next.array("items").compactMap { $0["id"]?.stringValue } == Array(all.dropFirst()))
        }
    }

    @Test func extremePositionsNeverFailTheServer() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            for status in ["overdue", "due_soon", "in_period", "failed", "no_due_date"] {
                for cursor in ["-8999999999999999999", "-1", "0", "8999999999999999999"] {
                    let page = try await lab.api.get("/v1/instruments?status=\(status)&cursor=\(cursor)", token: customer.key)
                    #expect(page.status == .ok, "\(status) \(cursor): \(page.text)")
                }
            }
            for path in ["/v1/equipment?dueWithinDays=30", "/v1/equipment", "/v1/jobs", "/v1/audit", "/v1/orders", "/v1/invoices", "/v1/certificates"] {
                for cursor in ["-8999999999999999999", "8999999999999999999"] {
                    let separator = path.contains("?") ? "&" : "?"
                    let page = try await lab.api.get("\(path)\(separator)cursor=\(cursor)", token: lab.adminToken)
                    #expect(page.status == .ok, "\(path) \(cursor): \(page.text)")
                }
            }
        }
    }
}
