import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import PostgresNIO
import Testing

/// The console's administration pages: admins only, forms that re-render with the problem beside the field, the
/// API key shown once, and the price history.
@Suite("Console admin pages")
struct ConsoleAdminTests {
    /// A browser signed in as the lab's admin, with the form token of `path`'s page.
    static func admin(_ lab: TestLab, on path: String) async throws -> (TestBrowser, String, APIResponse) {
        var browser = TestBrowser(api: lab.api)
        #expect(try await browser.signIn(email: "admin@lab.test", password: TestLab.password).status == .seeOther)
        let page = try await browser.send(.get, path)
        let token = try #require(TestBrowser.formToken(in: page.text))
        return (browser, token, page)
    }

    static func count(_ lab: TestLab, _ query: PostgresQuery) async throws -> Int {
        let rows = try await lab.database.client.query(query, logger: lab.database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }

    @Test func anAdminAddsAStaffMemberWhoCanThenSignIn() async throws {
        try await TestLab.run { lab in
            var (browser, token, page) = try await Self.admin(lab, on: "/console/admin/staff")
            #expect(page.status == .ok)
            #expect(page.text.contains("Add staff member"))
            let added = try await browser.send(.post, "/console/admin/staff", form: [
                ("_csrf", token), ("email", "Tess.Tech@lab.test"), ("name", "Tess Tech"), ("roles", "technician"), ("roles", "reviewer"),
                ("password", "a long enough passphrase"),
            ])
            #expect(added.status == .seeOther)
            let location = try #require(added.headers[.location])
            #expect(location.hasPrefix("/console/admin/staff/"))
            let person = try await browser.send(.get, location)
            #expect(person.status == .ok)
            #expect(person.text.contains("tess.tech@lab.test"))
            #expect(person.text.contains("Tess Tech was added."))
            #expect(person.text.contains("Reviewer, Technician"))
            var tess = TestBrowser(api: lab.api)
            let signedIn = try await tess.signIn(email: "tess.tech@lab.test", password: "a long enough passphrase")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/console")
            #expect(try await tess.send(.get, "/console").text.contains("Tess Tech"))
        }
    }

    @Test func someoneWithoutTheAdminRoleGetsTheForbiddenPageAndChangesNothing() async throws {
        try await TestLab.run { lab in
            let created = try await lab.api.post(
                "/v1/users", token: lab.adminToken,
                json: [
                    "email": .string("desk@lab.test"), "name": .string("Desk"), "roles": .array([.string("receptionist"), .string("billing")]),
                    "password": .string(TestLab.password),
                ]
            )
            try created.expect(.created)
            var browser = TestBrowser(api: lab.api)
            _ = try await browser.signIn(email: "desk@lab.test", password: TestLab.password)
            let home = try await browser.send(.get, "/console")
            #expect(!home.text.contains(#"href="/console/admin""#))
            let token = try #require(TestBrowser.formToken(in: home.text))
            for path in ["/console/admin", "/console/admin/staff", "/console/admin/customers", "/console/admin/catalogue/PG-X"] {
                let refused = try await browser.send(.get, path)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(refused.text.contains("Not allowed"))
            }
            let post = try await browser.send(.post, "/console/admin/staff", form: [
                ("_csrf", token), ("email", "sneaky@lab.test"), ("name", "Sneaky"), ("roles", "admin"), ("password", "a long enough passphrase"),
            ])
            #expect(post.status == .forbidden)
            #expect(post.text.contains("Not allowed"))
            #expect(try await Self.count(lab, "SELECT count(*)::int FROM staff_users WHERE email = 'sneaky@lab.test'") == 0)
            let customer = try await lab.customer()
            let key = try await browser.send(.post, "/console/admin/customers/\(customer.id)", form: [("_csrf", token), ("label", "x")])
            #expect(key.status == .forbidden)
            #expect(!key.text.contains("ck_"))
            #expect(try await Self.count(lab, "SELECT count(*)::int FROM api_keys WHERE customer_id = \(customer.id)") == 1)
        }
    }

    @Test func aWeakPasswordRerendersTheFormWithTheMessageBesideTheField() async throws {
        try await TestLab.run { lab in
            var (browser, token, _) = try await Self.admin(lab, on: "/console/admin/staff")
            let weak = try await browser.send(.post, "/console/admin/staff", form: [
                ("_csrf", token), ("email", "weak@lab.test"), ("name", "Wendy Weak"), ("roles", "technician"), ("password", "short"),
            ])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.text.contains(#"<p class="error-message" id="password-error">Use at least 12 characters.</p>"#))
            #expect(weak.text.contains(#"aria-describedby="password-hint password-error""#))
            #expect(weak.text.contains(#"role="alert""#))
            // The person's input is kept (but never the password), and the chosen role stays ticked.
            #expect(weak.text.contains(#"value="weak@lab.test""#))
            #expect(weak.text.contains(#"value="Wendy Weak""#))
            #expect(weak.text.contains(#"value="technician" checked"#))
            #expect(!weak.text.contains(#"value="short""#))
            #expect(try await Self.count(lab, "SELECT count(*)::int FROM staff_users WHERE email = 'weak@lab.test'") == 0)
            // No role at all is named beside the roles.
            let noRole = try await browser.send(.post, "/console/admin/staff", form: [
                ("_csrf", token), ("email", "weak@lab.test"), ("name", "Wendy Weak"), ("password", "a long enough passphrase"),
            ])
            #expect(noRole.status == .unprocessableContent)
            #expect(noRole.text.contains(#"id="roles-error">Choose at least one role."#))
        }
    }

    @Test func anIssuedAPIKeyIsShownOnceAndWorks() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            var (browser, token, page) = try await Self.admin(lab, on: "/console/admin/customers/\(customer.id)")
            #expect(page.text.contains("Issue API key"))
            let issued = try await browser.send(.post, "/console/admin/customers/\(customer.id)", form: [("_csrf", token), ("label", "ERP")])
            #expect(issued.status == .ok)
            #expect(issued.headers[.cacheControl] == "no-store")
            #expect(issued.text.contains("it will not be shown again"))
            let match = try #require(issued.text.firstMatch(of: /ck_[A-Za-z0-9_-]{20,}/))
            let key = String(match.output)
            #expect(try await lab.api.get("/v1/orders", token: key).status == .ok)
            // Shown once: the customer's page lists the key by its tag only.
            let again = try await browser.send(.get, "/console/admin/customers/\(customer.id)")
            #expect(!again.text.contains(key))
            #expect(again.text.contains("ERP"))
            // Revoking it ends it at once.
            let keyId = try #require(again.text.firstMatch(of: /keys\/([0-9A-F-]{36})\/revoke/)).output.1
            let keys = try await lab.api.get("/v1/customers/\(customer.id)/api-keys", token: lab.adminToken)
            #expect(try keys.array("items").count == 2)
            let revoked = try await browser.send(.post, "/console/admin/customers/\(customer.id)/keys/\(keyId)/revoke", form: [("_csrf", token)])
            #expect(revoked.status == .seeOther)
            let after = try await browser.send(.get, "/console/admin/customers/\(customer.id)")
            #expect(after.text.contains("was revoked"))
        }
    }

    @Test func unknownCustomersStaffAndServicesAre404Pages() async throws {
        try await TestLab.run { lab in
            let other = try await lab.customer()
            var (browser, token, _) = try await Self.admin(lab, on: "/console/admin")
            for path in [
                "/console/admin/customers/\(UUID())", "/console/admin/customers/not-a-uuid", "/console/admin/staff/\(UUID())",
                "/console/admin/catalogue/NO-SUCH-SERVICE", "/console/admin/nothing",
            ] {
                let missing = try await browser.send(.get, path)
                #expect(missing.status == .notFound, "\(path)")
                #expect(missing.text.contains("Page not found"))
            }
            #expect(try await browser.send(.post, "/console/admin/customers/\(UUID())", form: [("_csrf", token)]).status == .notFound)
            // A key of one customer cannot be revoked through another's page.
            let mine = try await lab.customer()
            let keys = try await lab.api.get("/v1/customers/\(other.id)/api-keys", token: lab.adminToken)
            let otherKey = try #require(try keys.array("items").first?["id"]?.stringValue)
            let crossed = try await browser.send(.post, "/console/admin/customers/\(mine.id)/keys/\(otherKey)/revoke", form: [("_csrf", token)])
            #expect(crossed.status == .notFound)
            #expect(try await lab.api.get("/v1/orders", token: other.key).status == .ok)
        }
    }

    @Test func aChangedPriceShowsBothPricesInTheHistory() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000, currency: "CNY")
            var (browser, token, page) = try await Self.admin(lab, on: "/console/admin/catalogue/\(code)")
            #expect(page.text.contains("350.00 CNY"))
            let bad = try await browser.send(.post, "/console/admin/catalogue/\(code)", form: [("_csrf", token), ("amount", "420.505"), ("currency", "CNY")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains(#"id="amount-error">Enter an amount such as 420.50, with at most 2 decimal places."#))
            let changed = try await browser.send(.post, "/console/admin/catalogue/\(code)", form: [("_csrf", token), ("amount", "420.50"), ("currency", "cny")])
            #expect(changed.status == .seeOther)
            let after = try await browser.send(.get, "/console/admin/catalogue/\(code)")
            #expect(after.text.contains("The price of \(code) is now 420.50 CNY."))
            let history = try #require(after.text.range(of: "Price history")).upperBound
            let rest = after.text[history...]
            #expect(rest.contains("420.50 CNY") && rest.contains("350.00 CNY"))
            let service = try await lab.api.get("/v1/services/\(code)", token: lab.adminToken)
            #expect(try service.number("price.amountMinor") == 42_050)
        }
    }

    @Test func anAdminAddsACustomerAndAServiceAndGrantsAnAuthorisation() async throws {
        try await TestLab.run { lab in
            var (browser, token, _) = try await Self.admin(lab, on: "/console/admin/customers")
            let invalid = try await browser.send(.post, "/console/admin/customers", form: [
                ("_csrf", token), ("code", "BAD CODE"), ("name", "Bad"), ("address", "1 Road"), ("currency", "cny"), ("billingEmail", "nope"),
                ("discount", "12.5"), ("taxRate", "6"), ("paymentTermsDays", "30"),
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains(#"id="code-error">Use only letters, digits, &#39;-&#39; and &#39;_&#39;."#) || invalid.text.contains(#"id="code-error">Use only letters, digits, '-' and '_'."#))
            #expect(invalid.text.contains(#"id="billingEmail-error">Enter an email address"#))
            let added = try await browser.send(.post, "/console/admin/customers", form: [
                ("_csrf", token), ("code", "NEWCO"), ("name", "New Co"), ("address", "1 Road"), ("currency", "cny"), ("billingEmail", "ap@newco.test"),
                ("discount", "12.5"), ("taxRate", "6"), ("paymentTermsDays", "45"),
            ])
            #expect(added.status == .seeOther)
            let customers = try await lab.api.get("/v1/customers", token: lab.adminToken)
            let newCo = try #require(try customers.array("items").first { $0["code"]?.stringValue == "NEWCO" })
            #expect(newCo["discountBasisPoints"] == .number(1250))
            #expect(newCo["taxRateBasisPoints"] == .number(600))
            #expect(newCo["paymentTermsDays"] == .number(45))
            #expect(newCo["currency"]?.stringValue == "CNY")

            let service = try await browser.send(.post, "/console/admin/catalogue", form: [
                ("_csrf", token), ("code", "TQ-CAL"), ("title", "Torque wrench calibration"), ("kind", "calibration"), ("instrumentCategory", "Torque wrench"),
                ("quantity", "torque"), ("unit", "N·m"), ("range", "2 to 200 N·m"), ("method", "ISO 6789-2:2017"), ("accredited", "true"),
                ("amount", "280"), ("currency", "CNY"), ("turnaroundDays", "5"), ("surcharge", "50"), ("mpe", ""), ("decisionRule", "simple"),
                ("verificationPeriodMonths", ""),
            ])
            #expect(service.status == .seeOther)
            #expect(service.headers[.location] == "/console/admin/catalogue/TQ-CAL")
            let created = try await lab.api.get("/v1/services/TQ-CAL", token: lab.adminToken)
            #expect(try created.number("price.amountMinor") == 28_000)
            #expect(try created.number("expediteSurchargeBasisPoints") == 5_000)

            let person = try await lab.staff(["technician"])
            let noDate = try await browser.send(.post, "/console/admin/staff/\(person.id)", form: [
                ("_csrf", token), ("serviceCode", "TQ-CAL"), ("activity", "perform"), ("validUntil", "31/12/2027"),
            ])
            #expect(noDate.status == .unprocessableContent)
            #expect(noDate.text.contains(#"id="validUntil-error">Enter a date as YYYY-MM-DD."#))
            let granted = try await browser.send(.post, "/console/admin/staff/\(person.id)", form: [
                ("_csrf", token), ("serviceCode", "TQ-CAL"), ("activity", "perform"), ("validUntil", "2099-12-31"),
            ])
            #expect(granted.status == .seeOther)
            let page = try await browser.send(.get, "/console/admin/staff/\(person.id)")
            #expect(page.text.contains("Authorised for TQ-CAL (Perform) until 2099-12-31."))
            #expect(page.text.contains("Torque wrench calibration"))
        }
    }

    @Test func anAdminCannotDeactivateThemselvesButCanDeactivateAndUnlockOthers() async throws {
        try await TestLab.run { lab in
            var (browser, token, _) = try await Self.admin(lab, on: "/console/admin/staff")
            let rows = try await lab.database.client.query("SELECT id FROM staff_users WHERE email = 'admin@lab.test'", logger: lab.database.logger)
            var mine: UUID?
            for try await id in rows.decode(UUID.self) { mine = id }
            do {
                let id = try #require(mine)
                let own = try await browser.send(.get, "/console/admin/staff/\(id)")
                #expect(!own.text.contains(">Deactivate</button>"))
                let refused = try await browser.send(.post, "/console/admin/staff/\(id)/deactivate", form: [("_csrf", token)])
                #expect(refused.status == .seeOther)
                #expect(try await Self.count(lab, "SELECT count(*)::int FROM staff_users WHERE id = \(id) AND active") == 1)
            }
            let other = try await lab.staff(["technician"])
            let page = try await browser.send(.get, "/console/admin/staff/\(other.id)")
            #expect(page.text.contains(">Deactivate</button>"))
            #expect(try await browser.send(.post, "/console/admin/staff/\(other.id)/unlock", form: [("_csrf", token)]).status == .seeOther)
            #expect(try await browser.send(.post, "/console/admin/staff/\(other.id)/deactivate", form: [("_csrf", token)]).status == .seeOther)
            #expect(try await lab.api.get("/v1/orders", token: other.token).status == .unauthorized)
            let after = try await browser.send(.get, "/console/admin/staff/\(other.id)")
            #expect(after.text.contains("was deactivated"))
            #expect(!after.text.contains(">Deactivate</button>"))
        }
    }
}
