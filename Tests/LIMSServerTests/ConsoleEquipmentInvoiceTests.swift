import Foundation
import HTTPTypes
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Testing

/// The console's equipment register and invoice pages: the API's role rules on every form, validation shown beside the
/// field, and payments changing the balance the page shows.
@Suite("Console equipment and invoice pages")
struct ConsoleEquipmentInvoiceTests {
    static func signedIn(_ lab: TestLab, roles: [String]) async throws -> TestBrowser {
        try await TestBrowser.signedIn(lab, roles: roles)
    }

    static func signedIn(_ lab: TestLab, email: String, password: String) async throws -> TestBrowser {
        var browser = TestBrowser(api: lab.api)
        let response = try await browser.signIn(email: email, password: password)
        #expect(response.status == .seeOther, "sign-in as \(email)")
        return browser
    }

    /// The form token of the session (every form on a page carries the same one).
    static func token(_ browser: inout TestBrowser, _ path: String = "/console") async throws -> String {
        try #require(TestBrowser.formToken(in: try await browser.send(.get, path).text))
    }

    static func equipmentCount(_ lab: TestLab) async throws -> Int {
        try await lab.api.get("/v1/equipment?limit=500", token: lab.adminToken).array("items").count
    }

    @Test func anAdminRegistersEquipmentThroughTheForm() async throws {
        try await TestLab.run { lab in
            let first = try await lab.service()
            let second = try await lab.service()
            var admin = try await Self.signedIn(lab, roles: ["admin"])
            let page = try await admin.send(.get, "/console/equipment")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<button type="submit">Register equipment</button>"#))
            #expect(page.text.contains(#"value="\#(first)""#) && page.text.contains(#"value="\#(second)""#))
            let token = try #require(TestBrowser.formToken(in: page.text))
            let tag = "REF-T-\(UUID().uuidString.prefix(6))"
            let posted = try await admin.send(
                .post, "/console/equipment",
                form: [
                    ("_csrf", token), ("assetTag", tag), ("name", "Digital pressure calibrator"), ("manufacturer", "Fluke"), ("model", "2700G"),
                    ("serialNumber", "SN-42"), ("quantity", "pressure"), ("range", "0 to 70 MPa"), ("serviceCodes", first), ("serviceCodes", second),
                ]
            )
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/console/equipment/"))
            let shown = try await admin.send(.get, location)
            #expect(shown.status == .ok)
            #expect(shown.text.contains(tag) && shown.text.contains("Registered \(tag)."))
            #expect(shown.text.contains("\(first), \(second)"))
            // Not yet calibrated, so not usable: the page says why.
            #expect(shown.text.contains("No calibration on record"))
            let listed = try await lab.api.get("/v1/equipment/\(location.dropFirst("/console/equipment/".count))", token: lab.adminToken)
            #expect(try listed.string("assetTag") == tag)
            #expect(try listed.array("serviceCodes").count == 2)

            // A second registration with the same tag comes back with the message beside the asset tag, input kept.
            let again = try await admin.send(
                .post, "/console/equipment",
                form: [
                    ("_csrf", token), ("assetTag", tag), ("name", "Another"), ("manufacturer", "Fluke"), ("model", "2700G"),
                    ("serialNumber", "SN-43"), ("quantity", "pressure"), ("range", "0 to 70 MPa"),
                ]
            )
            #expect(again.status == .unprocessableContent)
            #expect(again.text.contains(#"<p class="error-message" id="eq-assetTag-error">is already registered to other equipment</p>"#))
            #expect(again.text.contains(#"value="SN-43""#))
            // Missing fields are named beside each field.
            let empty = try await admin.send(.post, "/console/equipment", form: [("_csrf", token), ("assetTag", "X-1")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains(#"id="eq-name-error">is required</p>"#))
            #expect(empty.text.contains(#"role="alert""#))
        }
    }

    @Test func aTechnicianSeesNoRegisterFormAndPostingItIsRefused() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            var technician = try await Self.signedIn(lab, roles: ["technician"])
            let page = try await technician.send(.get, "/console/equipment")
            #expect(page.status == .ok)
            #expect(!page.text.contains("Register equipment</button>"))
            let before = try await Self.equipmentCount(lab)
            let token = try #require(TestBrowser.formToken(in: page.text))
            let refused = try await technician.send(
                .post, "/console/equipment",
                form: [
                    ("_csrf", token), ("assetTag", "REF-X-1"), ("name", "Sneaky"), ("manufacturer", "Fluke"), ("model", "1"), ("serialNumber", "1"),
                    ("quantity", "pressure"), ("range", "0 to 1 MPa"), ("serviceCodes", code),
                ]
            )
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(refused.text.contains("Not allowed"))
            #expect(try await Self.equipmentCount(lab) == before)
        }
    }

    @Test func aCalibrationDueBeforeItWasMadeIsShownBesideTheDueDate() async throws {
        try await TestLab.run { lab in
            let created = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: ["assetTag": .string("REF-C-1"), "name": .string("Weights"), "manufacturer": .string("Mettler"), "model": .string("E2"),
                       "serialNumber": .string("W-1"), "quantity": .string("mass"), "range": .string("1 mg to 1 kg"), "serviceCodes": .array([])]
            )
            try created.expect(.created)
            let id = try created.uuid("id")
            var admin = try await Self.signedIn(lab, roles: ["admin"])
            let token = try await Self.token(&admin, "/console/equipment/\(id)")
            let response = try await admin.send(
                .post, "/console/equipment/\(id)/calibrations",
                form: [
                    ("_csrf", token), ("certificateNumber", "NIM-2026-1"), ("calibratedBy", "NIM"), ("calibratedOn", "2026-01-10"),
                    ("dueOn", "2026-01-09"), ("traceability", "SI via NIM"),
                ]
            )
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(#"<p class="error-message" id="cal-dueOn-error">must be after the calibration date</p>"#))
            #expect(response.text.contains(#"aria-describedby="cal-dueOn-error""#))
            #expect(response.text.contains(##"<a href="#cal-dueOn">Due on: must be after the calibration date</a>"##))
            #expect(response.text.contains(#"value="NIM-2026-1""#))
            let equipment = try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken)
            #expect(try equipment.array("calibrations").isEmpty)

            // Then a good one is recorded and the equipment becomes usable.
            let today = DateFormats.formatDay(Date())
            let due = DateFormats.formatDay(Date().addingTimeInterval(200 * 86_400))
            let recorded = try await admin.send(
                .post, "/console/equipment/\(id)/calibrations",
                form: [("_csrf", token), ("certificateNumber", "NIM-2026-2"), ("calibratedBy", "NIM"), ("calibratedOn", today), ("dueOn", due),
                       ("traceability", "SI via NIM")]
            )
            #expect(recorded.status == .seeOther)
            let page = try await admin.send(.get, "/console/equipment/\(id)")
            #expect(page.text.contains("NIM-2026-2") && page.text.contains("Usable today"))
            // A technician may not record calibrations.
            var technician = try await Self.signedIn(lab, roles: ["technician"])
            let techToken = try await Self.token(&technician)
            let refused = try await technician.send(
                .post, "/console/equipment/\(id)/calibrations",
                form: [("_csrf", techToken), ("certificateNumber", "X"), ("calibratedBy", "X"), ("calibratedOn", today), ("dueOn", due), ("traceability", "X")]
            )
            #expect(refused.status == .forbidden)
            #expect(try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken).array("calibrations").count == 1)
        }
    }

    @Test func anyStaffMemberBooksEquipmentAndSeesItOnTheWeek() async throws {
        try await TestLab.run { lab in
            let created = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: ["assetTag": .string("REF-B-1"), "name": .string("Calibrator"), "manufacturer": .string("Fluke"), "model": .string("2700G"),
                       "serialNumber": .string("B-1"), "quantity": .string("pressure"), "range": .string("0 to 70 MPa"), "serviceCodes": .array([])]
            )
            let id = try created.uuid("id")
            try await lab.api.post(
                "/v1/equipment/\(id)/calibrations", token: lab.adminToken,
                json: ["certificateNumber": .string("C-1"), "calibratedBy": .string("NIM"), "calibratedOn": .string(DateFormats.formatDay(Date())),
                       "dueOn": .string(DateFormats.formatDay(Date().addingTimeInterval(100 * 86_400))), "traceability": .string("SI")]
            ).expect(.created)
            var technician = try await Self.signedIn(lab, roles: ["technician"])
            let token = try await Self.token(&technician, "/console/equipment/\(id)")
            let day = DateFormats.formatDay(Date().addingTimeInterval(2 * 86_400))
            let booked = try await technician.send(
                .post, "/console/equipment/\(id)/bookings", form: [("_csrf", token), ("start", "\(day)T09:00"), ("end", "\(day)T11:30")]
            )
            #expect(booked.status == .seeOther)
            let location = try #require(booked.headers[.location])
            let week = try await technician.send(.get, location)
            #expect(week.text.contains(#"<table class="week">"#))
            #expect(week.text.contains(#"<div class="booking"><span class="nowrap">09:00–11:30</span>"#))
            // The same slot again: refused beside the start, nothing booked twice.
            let twice = try await technician.send(
                .post, "/console/equipment/\(id)/bookings", form: [("_csrf", token), ("start", "\(day)T10:00"), ("end", "\(day)T10:30")]
            )
            #expect(twice.status == .unprocessableContent)
            #expect(twice.text.contains(#"id="book-start-error">overlaps the booking from \#(day) 09:00 UTC to \#(day) 11:30 UTC</p>"#))
            let end = try await technician.send(
                .post, "/console/equipment/\(id)/bookings", form: [("_csrf", token), ("start", "\(day)T12:00"), ("end", "\(day)T11:00")]
            )
            #expect(end.status == .unprocessableContent)
            #expect(end.text.contains(#"id="book-end-error">must be after start</p>"#))

            // Only the person who booked (or an admin) may cancel: another technician sees no button and is refused.
            let cancel = try #require(week.text.firstMatch(of: /action="(\/console\/equipment\/[^"]+\/cancel\?week=[0-9-]+)"/)?.output.1)
            var other = try await Self.signedIn(lab, roles: ["technician"])
            let otherPage = try await other.send(.get, location)
            #expect(otherPage.text.contains("09:00–11:30") && !otherPage.text.contains("Cancel booking"))
            let otherToken = try #require(TestBrowser.formToken(in: otherPage.text))
            #expect(try await other.send(.post, String(cancel), form: [("_csrf", otherToken)]).status == .forbidden)
            let cancelled = try await technician.send(.post, String(cancel), form: [("_csrf", token)])
            #expect(cancelled.status == .seeOther)
            let after = try await technician.send(.get, try #require(cancelled.headers[.location]))
            #expect(after.text.contains("The booking was cancelled.") && !after.text.contains("09:00–11:30"))
        }
    }

    @Test func unknownEquipmentIsA404Page() async throws {
        try await TestLab.run { lab in
            var admin = try await Self.signedIn(lab, roles: ["admin"])
            #expect(try await admin.send(.get, "/console/equipment/\(UUID())").status == .notFound)
            #expect(try await admin.send(.get, "/console/equipment/not-an-id").status == .notFound)
        }
    }

    // MARK: - Invoices

    /// The demo lab (one invoice, for its completed order) and the billing clerk's password.
    static func demoLab(_ lab: TestLab) async throws -> (password: String, invoiceId: UUID) {
        let report = try await DemoLab(configuration: lab.configuration, database: lab.database).seed()
        let match = try #require(report.firstMatch(of: /all with the password (\S+)\)/))
        let invoices = try await lab.api.get("/v1/invoices", token: lab.adminToken)
        let id = try invoices.uuid("items.0.id")
        return (String(match.output.1), id)
    }

    @Test func billingPagesAreRefusedToATechnician() async throws {
        try await TestLab.run { lab in
            let demo = try await Self.demoLab(lab)
            var technician = try await Self.signedIn(lab, roles: ["technician"])
            let home = try await technician.send(.get, "/console")
            #expect(!home.text.contains(#"href="/console/invoices""#))
            for path in ["/console/invoices", "/console/invoices/\(demo.invoiceId)", "/console/invoices/export.csv",
                         "/console/invoices/\(demo.invoiceId)/document.html"] {
                let response = try await technician.send(.get, path)
                #expect(response.status == .forbidden, "\(path)")
            }
            let token = try #require(TestBrowser.formToken(in: home.text))
            let refused = try await technician.send(
                .post, "/console/invoices/\(demo.invoiceId)/payments",
                form: [("_csrf", token), ("amount", "1.00"), ("receivedOn", DateFormats.formatDay(Date())), ("reference", "X")]
            )
            #expect(refused.status == .forbidden)
            let invoice = try await lab.api.get("/v1/invoices/\(demo.invoiceId)", token: lab.adminToken)
            #expect(try invoice.array("payments").isEmpty)
        }
    }

    @Test func aPaymentLowersTheBalanceThePageShows() async throws {
        try await TestLab.run { lab in
            let demo = try await Self.demoLab(lab)
            var clerk = try await Self.signedIn(lab, email: "billing@calibra.test", password: demo.password)
            let before = try await lab.api.get("/v1/invoices/\(demo.invoiceId)", token: lab.adminToken)
            let total = Int64(try before.number("total.amountMinor"))
            let number = try before.string("number")
            let list = try await clerk.send(.get, "/console/invoices")
            #expect(list.status == .ok)
            #expect(list.text.contains(number))
            let page = try await clerk.send(.get, "/console/invoices/\(demo.invoiceId)")
            #expect(page.status == .ok)
            #expect(page.text.contains(Money(amountMinor: total, currency: "CNY").formatted))
            let token = try #require(TestBrowser.formToken(in: page.text))

            // More decimals than the currency has: refused beside the amount, never rounded.
            let tooFine = try await clerk.send(
                .post, "/console/invoices/\(demo.invoiceId)/payments",
                form: [("_csrf", token), ("amount", "10.005"), ("receivedOn", DateFormats.formatDay(Date())), ("reference", "BANK-1")]
            )
            #expect(tooFine.status == .unprocessableContent)
            #expect(tooFine.text.contains(#"id="pay-amount-error">CNY amounts have at most 2 decimal places</p>"#))
            #expect(tooFine.text.contains(#"value="BANK-1""#))

            let paid = try await clerk.send(
                .post, "/console/invoices/\(demo.invoiceId)/payments",
                form: [("_csrf", token), ("amount", "100.5"), ("receivedOn", DateFormats.formatDay(Date())), ("reference", "BANK-2")]
            )
            #expect(paid.status == .seeOther)
            let after = try await clerk.send(.get, "/console/invoices/\(demo.invoiceId)")
            let balance = Money(amountMinor: total - 10_050, currency: "CNY").formatted
            #expect(after.text.contains("Recorded a payment of 100.50 CNY. The balance is now \(balance)."))
            #expect(after.text.contains(#"<td class="number nowrap">\#(balance)</td>"#))
            #expect(after.text.contains("BANK-2") && after.text.contains("Partly paid"))
            let stored = try await lab.api.get("/v1/invoices/\(demo.invoiceId)", token: lab.adminToken)
            #expect(Int64(try stored.number("balance.amountMinor")) == total - 10_050)

            // More than is owed is refused beside the amount.
            let tooMuch = try await clerk.send(
                .post, "/console/invoices/\(demo.invoiceId)/payments",
                form: [("_csrf", token), ("amount", "99999999"), ("receivedOn", DateFormats.formatDay(Date())), ("reference", "BANK-3")]
            )
            #expect(tooMuch.status == .unprocessableContent)
            #expect(tooMuch.text.contains("is more than the open balance of \(balance)"))

            // The documents and the CSV are the API's, with the document headers.
            let html = try await clerk.send(.get, "/console/invoices/\(demo.invoiceId)/document.html")
            #expect(html.status == .ok && html.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(html.missingDocumentHeaders == [])
            let text = try await clerk.send(.get, "/console/invoices/\(demo.invoiceId)/document.txt")
            #expect(text.headers[.contentType]?.hasPrefix("text/plain") == true && text.text.contains(number))
            let csv = try await clerk.send(.get, "/console/invoices/export.csv")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(csv.missingDocumentHeaders == [])
            #expect(csv.text.hasPrefix("type,number,issuedOn") && csv.text.contains(number))
            #expect(try await clerk.send(.get, "/console/invoices/export.csv?from=2026-13-01").status == .unprocessableContent)
        }
    }

    @Test func aCreditNoteNeedsAReasonAndCancelsTheInvoice() async throws {
        try await TestLab.run { lab in
            let demo = try await Self.demoLab(lab)
            var clerk = try await Self.signedIn(lab, email: "billing@calibra.test", password: demo.password)
            let token = try await Self.token(&clerk, "/console/invoices/\(demo.invoiceId)")
            let missing = try await clerk.send(.post, "/console/invoices/\(demo.invoiceId)/credit-notes", form: [("_csrf", token), ("reason", " ")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains(#"id="credit-reason-error">is required</p>"#))
            let issued = try await clerk.send(
                .post, "/console/invoices/\(demo.invoiceId)/credit-notes", form: [("_csrf", token), ("reason", "Wrong customer billed")]
            )
            #expect(issued.status == .seeOther)
            let page = try await clerk.send(.get, "/console/invoices/\(demo.invoiceId)")
            #expect(page.text.contains("Credited") && page.text.contains("Wrong customer billed"))
            #expect(!page.text.contains("Record payment</button>") && !page.text.contains("Issue credit note</button>"))
            let note = try await clerk.send(.get, "/console/invoices/\(demo.invoiceId)/credit-note.html")
            #expect(note.status == .ok && note.missingDocumentHeaders == [])
        }
    }

    @Test func anUnknownInvoiceIsA404Page() async throws {
        try await TestLab.run { lab in
            var clerk = try await Self.signedIn(lab, roles: ["billing"])
            for path in ["/console/invoices/\(UUID())", "/console/invoices/nonsense", "/console/invoices/\(UUID())/document.html"] {
                let response = try await clerk.send(.get, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.text.contains("Page not found"))
            }
            let token = try await Self.token(&clerk)
            let posted = try await clerk.send(
                .post, "/console/invoices/\(UUID())/payments", form: [("_csrf", token), ("amount", "1"), ("receivedOn", "2026-01-01"), ("reference", "X")]
            )
            #expect(posted.status == .notFound)
        }
    }
}
