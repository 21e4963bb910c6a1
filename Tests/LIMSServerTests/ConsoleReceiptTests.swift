import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

/// The console's orders, receipt desk and item pages: contract review and receipt through their forms, the role
/// rules (a refused POST changes nothing), 404 pages for unknown ids, and forms re-rendered with their problems.
@Suite("Console orders, receipt desk and items")
struct ConsoleReceiptTests {
    static func signedIn(_ lab: TestLab, roles: [String]) async throws -> TestBrowser {
        try await TestBrowser.signedIn(lab, roles: roles)
    }

    /// A submitted order of one instrument: its id, number and item id.
    static func order(_ lab: TestLab, accepted: Bool) async throws -> (id: UUID, number: String, itemId: UUID) {
        let code = try await lab.service()
        let customer = try await lab.customer()
        let order = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: [code]))
        try order.expect(.created)
        let id = try order.uuid("id")
        if accepted { try await lab.api.post("/v1/orders/\(id)/accept", token: lab.adminToken).expect(.ok) }
        return (id, try order.string("number"), try order.uuid("items.0.id"))
    }

    static func token(_ browser: inout TestBrowser, from path: String) async throws -> String {
        let page = try await browser.send(.get, path)
        try page.expect(.ok)
        return try #require(TestBrowser.formToken(in: page.text))
    }

    static func itemStatus(_ lab: TestLab, _ id: UUID) async throws -> String {
        try await lab.api.get("/v1/items/\(id)", token: lab.adminToken).string("status")
    }

    @Test func aReceptionistAcceptsAnOrderAndReceivesItsInstrumentThroughTheForms() async throws {
        try await TestLab.run { lab in
            let order = try await Self.order(lab, accepted: false)
            var browser = try await Self.signedIn(lab, roles: ["receptionist"])
            let list = try await browser.send(.get, "/console/orders?status=submitted")
            #expect(list.status == .ok)
            #expect(list.text.contains(order.number))
            #expect(list.text.contains("Manufacturer C"))
            let page = try await browser.send(.get, "/console/orders/\(order.id)")
            #expect(page.text.contains(">Accept</button>") && page.text.contains(">Reject</button>"))
            #expect(page.text.contains("371.00 CNY"))  // 350.00 + 6% tax
            let token = try #require(TestBrowser.formToken(in: page.text))
            let accepted = try await browser.send(.post, "/console/orders/\(order.id)/accept", form: [("_csrf", token)])
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers[.location] == "/console/orders/\(order.id)")
            let after = try await browser.send(.get, "/console/orders/\(order.id)")
            #expect(after.text.contains("Order \(order.number) accepted."))
            #expect(!after.text.contains(">Accept</button>"))

            let desk = try await browser.send(.get, "/console/receipt?q=\(order.number.lowercased())")
            #expect(desk.status == .ok)
            #expect(desk.text.contains("data-scan") && desk.text.contains(">Receive</button>"))
            let received = try await browser.send(
                .post, "/console/items/\(order.itemId)/receive",
                form: [("_csrf", token), ("q", order.number), ("condition", "ok"), ("location", "Shelf A"), ("notes", "")]
            )
            #expect(received.status == .seeOther)
            #expect(received.headers[.location] == "/console/receipt?q=\(order.number)")
            let item = try await lab.api.get("/v1/items/\(order.itemId)", token: lab.adminToken)
            #expect(try item.string("status") == "received")
            #expect(try item.string("location") == "Shelf A")
            let number = try item.string("number")
            let back = try await browser.send(.get, "/console/receipt?q=\(order.number)")
            #expect(back.text.contains("Received: lab number \(number)"))
            #expect(back.text.contains("/console/items/\(order.itemId)/label") && back.text.contains("Print label"))
            #expect(!back.text.contains(">Receive</button>"))

            // The lab number and the item id find the same item.
            #expect(try await browser.send(.get, "/console/receipt?q=\(number)").text.contains("/console/items/\(order.itemId)/label"))
            #expect(try await browser.send(.get, "/console/receipt?q=\(order.itemId)").text.contains(number))

            let label = try await browser.send(.get, "/console/items/\(order.itemId)/label")
            #expect(label.status == .ok)
            #expect(label.text.contains(number))
            #expect(label.missingDocumentHeaders == [])

            let itemPage = try await browser.send(.get, "/console/items/\(order.itemId)")
            #expect(itemPage.status == .ok)
            #expect(itemPage.text.contains(#"class="timeline""#) && itemPage.text.contains("Location: Shelf A"))
            #expect(itemPage.text.contains(">Move</button>") && itemPage.text.contains(">Hold</button>"))
        }
    }

    @Test func aTechnicianMayNotReceiveAndNothingChanges() async throws {
        try await TestLab.run { lab in
            let order = try await Self.order(lab, accepted: true)
            var browser = try await Self.signedIn(lab, roles: ["technician"])
            let token = try await Self.token(&browser, from: "/console/items/\(order.itemId)")
            let refused = try await browser.send(
                .post, "/console/items/\(order.itemId)/receive", form: [("_csrf", token), ("condition", "ok"), ("location", "Shelf A")]
            )
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Not allowed"))
            #expect(try await Self.itemStatus(lab, order.itemId) == "awaiting_receipt")
            #expect(try await browser.send(.get, "/console/receipt").status == .forbidden)
            // Nor may a technician decide an order: the buttons are not shown, and posting anyway is refused.
            let other = try await Self.order(lab, accepted: false)
            let page = try await browser.send(.get, "/console/orders/\(other.id)")
            #expect(page.status == .ok && !page.text.contains(">Accept</button>"))
            #expect(try await browser.send(.post, "/console/orders/\(other.id)/accept", form: [("_csrf", token)]).status == .forbidden)
            #expect(try await lab.api.get("/v1/orders/\(other.id)", token: lab.adminToken).string("status") == "submitted")
        }
    }

    @Test func receivingWithoutALocationShowsTheProblemBesideTheField() async throws {
        try await TestLab.run { lab in
            let order = try await Self.order(lab, accepted: true)
            var browser = try await Self.signedIn(lab, roles: ["receptionist"])
            let token = try await Self.token(&browser, from: "/console/receipt?q=\(order.number)")
            let response = try await browser.send(
                .post, "/console/items/\(order.itemId)/receive",
                form: [("_csrf", token), ("q", order.number), ("condition", "damaged"), ("location", "  "), ("notes", "Cracked glass")]
            )
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(#"id="location-\#(order.itemId)-error">Enter where the instrument is put.</p>"#))
            #expect(response.text.contains(#"role="alert""#))
            // The person's input is kept.
            #expect(response.text.contains(#"value="Cracked glass""#) && response.text.contains(#"value="damaged" selected"#))
            #expect(try await Self.itemStatus(lab, order.itemId) == "awaiting_receipt")
        }
    }

    @Test func unknownIdsAreNotFoundPagesAndUnknownScansSayNothingWasFound() async throws {
        try await TestLab.run { lab in
            var browser = try await Self.signedIn(lab, roles: ["receptionist"])
            for path in ["/console/orders/\(UUID())", "/console/orders/not-an-id", "/console/items/\(UUID())", "/console/items/\(UUID())/label"] {
                let page = try await browser.send(.get, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.text.contains("Page not found"))
            }
            // A cursor or status the server did not issue is no error: the first page of every order.
            #expect(try await browser.send(.get, "/console/orders?cursor=not-a-cursor&status=bogus").status == .ok)
            let token = try await Self.token(&browser, from: "/console/receipt")
            let post = try await browser.send(.post, "/console/orders/\(UUID())/reject", form: [("_csrf", token), ("reason", "No")])
            #expect(post.status == .notFound)
            for scan in ["ORD-2000-999999", "ITM-2000-999999", UUID().uuidString, "no such serial"] {
                let desk = try await browser.send(.get, "/console/receipt?q=\(scan.replacingOccurrences(of: " ", with: "+"))")
                #expect(desk.status == .ok)
                #expect(desk.text.contains("Nothing found for “\(scan)”"), "\(scan)")
            }
        }
    }

    @Test func rejectingAnOrderNeedsAReason() async throws {
        try await TestLab.run { lab in
            let order = try await Self.order(lab, accepted: false)
            var browser = try await Self.signedIn(lab, roles: ["reviewer"])
            let token = try await Self.token(&browser, from: "/console/orders/\(order.id)")
            let missing = try await browser.send(.post, "/console/orders/\(order.id)/reject", form: [("_csrf", token), ("reason", " ")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains(#"<p class="error-message" id="reason-error">Enter the reason for rejecting the order.</p>"#))
            #expect(try await lab.api.get("/v1/orders/\(order.id)", token: lab.adminToken).string("status") == "submitted")
            let rejected = try await browser.send(.post, "/console/orders/\(order.id)/reject", form: [("_csrf", token), ("reason", "Out of our scope")])
            #expect(rejected.status == .seeOther)
            let status = try await lab.api.get("/v1/orders/\(order.id)", token: lab.adminToken)
            #expect(try status.string("status") == "rejected" && status.string("rejectionReason") == "Out of our scope")
            // Deciding again is refused kindly: back to the order with an error message, not an error page.
            let again = try await browser.send(.post, "/console/orders/\(order.id)/accept", form: [("_csrf", token)])
            #expect(again.status == .seeOther)
            #expect(try await browser.send(.get, "/console/orders/\(order.id)").text.contains("Not done: order \(order.number) is Rejected"))
        }
    }

    @Test func custodyChangesFollowTheItemsState() async throws {
        try await TestLab.run { lab in
            let order = try await Self.order(lab, accepted: true)
            var browser = try await Self.signedIn(lab, roles: ["admin"])
            let token = try await Self.token(&browser, from: "/console/receipt?q=\(order.number)")
            try await browser.send(
                .post, "/console/items/\(order.itemId)/receive", form: [("_csrf", token), ("q", order.number), ("condition", "ok"), ("location", "Shelf A")]
            ).expect(.seeOther)
            let path = "/console/items/\(order.itemId)"
            let noLocation = try await browser.send(.post, "\(path)/move", form: [("_csrf", token), ("location", "")])
            #expect(noLocation.status == .unprocessableContent)
            #expect(noLocation.text.contains(#"id="move-location-error">Enter the new location."#))
            try await browser.send(.post, "\(path)/move", form: [("_csrf", token), ("location", "Cabinet 3")]).expect(.seeOther)
            #expect(try await lab.api.get("/v1/items/\(order.itemId)", token: lab.adminToken).string("location") == "Cabinet 3")
            // Resuming an item that is not on hold: the store refuses (409), the page says so.
            let resume = try await browser.send(.post, "\(path)/resume", form: [("_csrf", token)])
            #expect(resume.status == .seeOther)
            let page = try await browser.send(.get, path)
            #expect(page.text.contains("Not done: the item is Received now."))
            #expect(page.text.contains("Location: Shelf A → Cabinet 3"))
            try await browser.send(.post, "\(path)/hold", form: [("_csrf", token), ("reason", "Awaiting customer's reply")]).expect(.seeOther)
            #expect(try await Self.itemStatus(lab, order.itemId) == "on_hold")
            #expect(try await browser.send(.get, path).text.contains(">Resume</button>"))
            try await browser.send(.post, "\(path)/reject", form: [("_csrf", token), ("reason", "Damaged beyond calibration")]).expect(.seeOther)
            let noMethod = try await browser.send(.post, "\(path)/return", form: [("_csrf", token), ("method", "")])
            #expect(noMethod.status == .unprocessableContent)
            try await browser.send(.post, "\(path)/return", form: [("_csrf", token), ("method", "courier"), ("trackingNumber", "SF123")]).expect(.seeOther)
            let returned = try await browser.send(.get, path)
            #expect(returned.text.contains("Return method: Courier") && returned.text.contains("Tracking number: SF123"))
            #expect(try await Self.itemStatus(lab, order.itemId) == "returned")
        }
    }
}
