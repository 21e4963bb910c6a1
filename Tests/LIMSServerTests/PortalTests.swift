import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

/// The customer portal's server-side rules: who it admits, what a person there can reach, and refusals that
/// change nothing. (The pages themselves are driven in a real browser in `Tests/browser/test_portal.py`.)
@Suite("Customer portal")
struct PortalTests {
    /// A customer with one person of `role`, signed in to the portal.
    func person(_ lab: TestLab, role: String = "customer_user", customer: (id: UUID, key: String)? = nil) async throws -> (browser: TestBrowser, customer: (id: UUID, key: String), id: UUID) {
        var chosen = customer
        if chosen == nil { chosen = try await lab.customer() }
        let customer = try #require(chosen)
        let made = try await lab.customerPerson(customer.id, role: role)
        var browser = TestBrowser(api: lab.api)
        try await browser.signIn(email: made.email, password: TestLab.password, area: "/portal").expect(.seeOther)
        return (browser, customer, made.id)
    }

    @Test func thePortalAdmitsACustomersPeopleOnlyAndTheConsoleStaffOnly() async throws {
        try await TestLab.run { lab in
            let acme = try await lab.customer()
            let made = try await lab.customerPerson(acme.id)
            var console = TestBrowser(api: lab.api)
            let refused = try await console.signIn(email: made.email, password: TestLab.password, area: "/console")
            #expect(refused.status == .forbidden)
            #expect(console.cookies["calibra_console"] == nil)
            #expect(try await console.send(.get, "/console").status == .seeOther)

            var staff = try await TestBrowser.signedIn(lab, roles: ["admin"])
            #expect(try await staff.send(.get, "/portal").status == .seeOther)  // a staff session opens no portal page
            var portal = TestBrowser(api: lab.api)
            let staffAtPortal = try await portal.signIn(email: "admin@lab.test", password: TestLab.password, area: "/portal")
            #expect(staffAtPortal.status == .forbidden)
            #expect(portal.cookies["calibra_portal"] == nil)
            // A bearer token never opens a page.
            #expect(try await lab.api.get("/portal", token: made.token).status == .seeOther)
        }
    }

    @Test func anotherCustomersOrderCertificateInvoiceAndInstrumentAre404Pages() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            let certificateId = try signed.string("id")
            let invoices = try await lab.api.get("/v1/invoices?customerId=\(flow.customer.id)", token: lab.adminToken)
            let invoiceId = try invoices.string("items.0.id")
            let instrumentId = try await lab.api.get("/v1/instruments", token: flow.customer.key).string("items.0.id")

            var owner = try await person(lab, customer: flow.customer).browser
            var stranger = try await person(lab, role: "customer_admin").browser
            let paths = [
                "/portal/orders/\(flow.orderId)", "/portal/certificates/\(certificateId)", "/portal/certificates/\(certificateId)/document.txt",
                "/portal/invoices/\(invoiceId)", "/portal/invoices/\(invoiceId)/document.html", "/portal/instruments/\(instrumentId)",
            ]
            for path in paths {
                #expect(try await owner.send(.get, path).status == .ok, "\(path)")
                let response = try await stranger.send(.get, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            #expect(try await stranger.send(.get, "/portal/orders/not-a-uuid").status == .notFound)
            // Re-ordering another customer's instrument makes no order.
            let page = try await stranger.send(.get, "/portal/instruments")
            let token = try #require(TestBrowser.formToken(in: page.text))
            let before = try await lab.api.get("/v1/orders", token: lab.adminToken).array("items").count
            let refused = try await stranger.send(
                .post, "/portal/instruments/reorder", form: [("_csrf", token), ("submissionKey", UUID().uuidString), ("instrumentIds", instrumentId)]
            )
            #expect(refused.status == .unprocessableContent)
            #expect(try await lab.api.get("/v1/orders", token: lab.adminToken).array("items").count == before)
        }
    }

    @Test func aFormWithoutItsTokenIsRefusedAndChangesNothing() async throws {
        try await TestLab.run { lab in
            _ = try await lab.service(code: "PT-\(UUID().uuidString.prefix(4))")
            var (browser, customer, _) = try await person(lab, role: "customer_admin")
            let refused = try await browser.send(.post, "/portal/settings/keys", form: [("label", "stolen")])
            #expect(refused.status == .forbidden)
            let keys = try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken)
            #expect(try keys.array("items").count == 1)
            let forged = try await browser.send(.post, "/portal/orders/new", form: [("_csrf", "forged"), ("items[0].serviceCode", "X")])
            #expect(forged.status == .forbidden)
            #expect(try await lab.api.get("/v1/orders", token: customer.key).array("items").isEmpty)
        }
    }

    @Test func aCustomerUserCannotUseTheSettingsEvenByPostingTheirForms() async throws {
        try await TestLab.run { lab in
            var (browser, customer, _) = try await person(lab)
            #expect(try await browser.send(.get, "/portal/settings").status == .forbidden)
            let page = try await browser.send(.get, "/portal/account")
            let token = try #require(TestBrowser.formToken(in: page.text))
            let key = try await browser.send(.post, "/portal/settings/keys", form: [("_csrf", token), ("label", "mine")])
            #expect(key.status == .forbidden)
            let person = try await browser.send(
                .post, "/portal/settings/users",
                form: [("_csrf", token), ("email", "x-\(UUID().uuidString.prefix(6))@maker.test"), ("name", "X"), ("role", "customer_admin"), ("password", "a long enough passphrase")]
            )
            #expect(person.status == .forbidden)
            #expect(try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken).array("items").count == 1)
            #expect(try await lab.api.get("/v1/customers/\(customer.id)/users", token: lab.adminToken).array("items").count == 1)
        }
    }

    @Test func theOrderFormSubmitsOnceAndShowsProblemsBesideTheirFields() async throws {
        try await TestLab.run { lab in
            let service = try await lab.service()
            var (browser, customer, _) = try await person(lab)
            let page = try await browser.send(.get, "/portal/orders/new")
            let token = try #require(TestBrowser.formToken(in: page.text))
            let key = UUID().uuidString
            var form = [
                ("_csrf", token), ("submissionKey", key), ("rows", "2"), ("action", "submit"), ("customerReference", "PO-9"), ("priority", "standard"),
                ("items[0].serviceCode", service), ("items[0].instrument.manufacturer", "WIKA"), ("items[0].instrument.model", "232.50"),
            ]
            let missing = try await browser.send(.post, "/portal/orders/new", form: form)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains(#"id="items-0-instrument-serialNumber-error""#))
            #expect(missing.text.contains(#"value="WIKA""#))
            #expect(try await lab.api.get("/v1/orders", token: customer.key).array("items").isEmpty)

            form.append(("items[0].instrument.serialNumber", "SN-1"))
            let first = try await browser.send(.post, "/portal/orders/new", form: form)
            let second = try await browser.send(.post, "/portal/orders/new", form: form)
            #expect(first.status == .seeOther)
            #expect(second.status == .seeOther)
            #expect(first.headers[.location] == second.headers[.location])
            let orders = try await lab.api.get("/v1/orders", token: customer.key).array("items")
            #expect(orders.count == 1)
            // One audit event for the order, recorded with the form's key; the second press recorded nothing.
            let orderId = try #require(orders.first?["id"]?.stringValue)
            let audit = try await lab.api.get("/v1/audit?entity=order&entityId=\(orderId)&action=order.submitted", token: lab.adminToken)
            #expect(try audit.array("items").count == 1)
            #expect(audit.value("items.0.after.id")?.stringValue == orderId)
            // The same key with other content is not silently taken for the first order.
            var changed = form
            changed.append(("items[1].serviceCode", service))
            changed.append(("items[1].instrument.manufacturer", "WIKA"))
            changed.append(("items[1].instrument.model", "232.50"))
            changed.append(("items[1].instrument.serialNumber", "SN-2"))
            #expect(try await browser.send(.post, "/portal/orders/new", form: changed).status == .unprocessableContent)
            #expect(try await lab.api.get("/v1/orders", token: customer.key).array("items").count == 1)
        }
    }
}
