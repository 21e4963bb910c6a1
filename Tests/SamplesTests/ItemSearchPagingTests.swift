import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Item look-up by serial number is paged like every list")
struct ItemSearchPagingTests {
    @Test func serialNumberSearchHonoursLimitAndCursor() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let other = try await lab.customer()
            let serial = "SN-PAGED-\(UUID().uuidString.prefix(6))"
            func body(_ reference: String, count: Int) -> [String: JSONValue] {
                var body = TestLab.orderBody(serviceCodes: Array(repeating: code, count: count), reference: reference)
                body["items"] = .array((0..<count).map { _ in
                    .object([
                        "serviceCode": .string(code),
                        "instrument": .object(["manufacturer": .string("Acme"), "model": .string("PG-100"), "serialNumber": .string(serial)]),
                    ])
                })
                return body
            }
            var expected: [String] = []
            for (index, count) in [2, 1, 2].enumerated() {
                let order = try await lab.api.post("/v1/orders", token: customer.key, json: body("PO-\(index)", count: count))
                try order.expect(.created)
                expected += try order.array("items").compactMap { $0["id"]?.stringValue }
            }
            try await lab.api.post("/v1/orders", token: other.key, json: body("PO-other", count: 1)).expect(.created)

            // Three pages of two for the customer, in order of submission; its neighbour's item never appears.
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/v1/items?serialNumber=\(serial)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await lab.api.get(path, token: customer.key)
                try page.expect(.ok)
                let items = try page.array("items")
                #expect(items.count <= 2)
                seen += items.compactMap { $0["id"]?.stringValue }
                cursor = page.value("nextCursor")?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == expected)
            #expect(pages == 3)

            // Staff see every customer's; the default limit is 50, and the limit's range is checked.
            let all = try await lab.api.get("/v1/items?serialNumber=\(serial)", token: lab.adminToken)
            #expect(try all.array("items").count == 6)
            #expect(all.value("nextCursor") == .null)
            #expect(try await lab.api.get("/v1/items?serialNumber=\(serial)&limit=1", token: lab.adminToken).array("items").count == 1)
            #expect(try await lab.api.get("/v1/items?serialNumber=\(serial)&limit=0", token: lab.adminToken).problemFields == ["limit"])
            #expect(try await lab.api.get("/v1/items?serialNumber=\(serial)&limit=501", token: lab.adminToken).problemFields == ["limit"])
            #expect(try await lab.api.get("/v1/items?serialNumber=\(serial)&cursor=bogus", token: lab.adminToken).problemFields == ["cursor"])
        }
    }

    @Test func shortListsReadWholeArePagedToo() async throws {
        try await TestLab.run { lab in
            for _ in 0..<3 { try await lab.service() }
            let first = try await lab.api.get("/v1/services?limit=2", token: lab.adminToken)
            #expect(try first.array("items").count == 2)
            let cursor = try #require(first.value("nextCursor")?.stringValue)
            let second = try await lab.api.get("/v1/services?limit=2&cursor=\(cursor)", token: lab.adminToken)
            #expect(try second.array("items").count == 1)
            #expect(second.value("nextCursor") == .null)
            #expect(try await lab.api.get("/v1/services?limit=600", token: lab.adminToken).problemFields == ["limit"])
        }
    }
}
