import Foundation
import LIMSCore
import LIMSTestSupport
import PostgresNIO

extension TestLab {
    /// A submitted order of one instrument per service code, accepted by the admin unless `accept` is false.
    func order(customerKey: String, serviceCodes: [String], accept: Bool = true, body: [String: JSONValue]? = nil) async throws -> (
        id: String, itemIds: [String]
    ) {
        let submitted = try await api.post("/v1/orders", token: customerKey, json: body ?? TestLab.orderBody(serviceCodes: serviceCodes))
        try submitted.expect(.created)
        let id = try submitted.string("id")
        if accept { try await api.post("/v1/orders/\(id)/accept", token: adminToken).expect(.ok) }
        let itemIds = try submitted.array("items").compactMap { $0["id"]?.stringValue }
        return (id, itemIds)
    }

    func receive(_ itemId: String, token: String, location: String = "Reception shelf A", condition: String = "ok") async throws -> APIResponse {
        try await api.post("/v1/items/\(itemId)/receive", token: token, json: ["condition": .string(condition), "location": .string(location)])
    }

    /// `POST /v1/items/{id}/{action}`.
    func act(_ itemId: String, _ action: String, token: String, json: [String: JSONValue]? = nil) async throws -> APIResponse {
        try await api.post("/v1/items/\(itemId)/\(action)", token: token, json: json)
    }

    /// The single integer `query` answers (a `count(*)`), read straight from the database.
    func scalar(_ query: PostgresQuery) async throws -> Int {
        let rows = try await database.client.query(query, logger: database.logger)
        for try await value in rows.decode(Int.self) { return value }
        return -1
    }
}
