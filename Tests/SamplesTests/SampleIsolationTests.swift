import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Item look-up and customer isolation")
struct SampleIsolationTests {
    @Test func customersNeverSeeEachOthersItems() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let alice = try await lab.customer()
            let bob = try await lab.customer()
            let order = try await lab.order(customerKey: alice.key, serviceCodes: [code])
            let item = order.itemIds[0]
            let received = try await lab.receive(item, token: lab.adminToken)
            let number = try received.string("number")
            let serial = try received.string("instrument.serialNumber")

            #expect(try await lab.api.get("/v1/items/\(item)", token: bob.key).status == .notFound)
            #expect(try await lab.api.get("/v1/items/\(item)/custody", token: bob.key).status == .notFound)
            #expect(try await lab.api.get("/v1/items/\(item)/label", token: bob.key).status == .notFound)
            #expect(try await lab.api.get("/v1/items?serialNumber=\(serial)", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/items?number=\(number)", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/items/\(UUID())", token: alice.key).status == .notFound)

            let own = try await lab.api.get("/v1/items/\(item)", token: alice.key)
            #expect(try own.string("number") == number)
            #expect(try own.string("orderNumber").hasPrefix("ORD-"))
            #expect(try await lab.api.get("/v1/items/\(item)/custody", token: alice.key).array("items").count == 1)
            #expect(try await lab.api.get("/v1/items/\(item)/label", token: alice.key).status == .forbidden)
            let bySerial = try await lab.api.get("/v1/items?serialNumber=\(serial)", token: alice.key)
            #expect(try bySerial.string("items.0.number") == number)
            #expect(bySerial.value("nextCursor") == .null)
            #expect(try await lab.api.get("/v1/items?number=\(number)", token: alice.key).string("items.0.id") == item)

            let staff = try await lab.staff(["technician"])
            #expect(try await lab.api.get("/v1/items?number=\(number)&serialNumber=\(serial)", token: staff.token).array("items").count == 1)
            #expect(try await lab.api.get("/v1/items?number=\(number)&serialNumber=other", token: staff.token).array("items").isEmpty)
            // Without a filter: every item the caller may see, paged; a customer sees its own only.
            #expect(try await lab.api.get("/v1/items?limit=500", token: staff.token).array("items").contains { $0["id"]?.stringValue?.lowercased() == item.lowercased() })
            let ownOnly = try await lab.api.get("/v1/items?limit=500", token: alice.key).array("items")
            #expect(!ownOnly.isEmpty && ownOnly.allSatisfy { $0["customerId"]?.stringValue?.lowercased() == alice.id.uuidString.lowercased() })
            #expect(try await lab.api.get("/v1/items", token: bob.key).array("items").isEmpty)
        }
    }
}
