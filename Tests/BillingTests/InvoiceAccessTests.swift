import Billing
import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Who sees which invoice, and the invoice documents")
struct InvoiceAccessTests {
    @Test func customersSeeOnlyTheirOwnInvoicesInEveryFormat() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let alice = try await lab.customer()
            let bob = try await lab.customer()
            let clerk = try await lab.staff(["billing"])
            let technician = try await lab.staff(["technician"])
            let invoice = try await lab.invoicedOrder(key: alice.key, serviceCodes: [code])
            let note = try await lab.api.post("/v1/invoices/\(invoice.id)/credit-notes", token: clerk.token, json: ["reason": .string("Test")])
            let noteId = try note.string("id")

            for accept in ["application/json", "text/html", "text/plain"] {
                let headers: HTTPFields = [.accept: accept]
                #expect(try await lab.api.get("/v1/invoices/\(invoice.id)", token: bob.key, headers: headers).status == .notFound)
                #expect(try await lab.api.get("/v1/invoices/\(UUID())", token: bob.key, headers: headers).status == .notFound)
                #expect(try await lab.api.get("/v1/credit-notes/\(noteId)", token: bob.key, headers: headers).status == .notFound)
                #expect(try await lab.api.get("/v1/invoices/\(invoice.id)", token: alice.key, headers: headers).status == .ok)
                #expect(try await lab.api.get("/v1/credit-notes/\(noteId)", token: alice.key, headers: headers).status == .ok)
            }
            #expect(try await lab.api.get("/v1/invoices", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/invoices?customerId=\(alice.id)", token: bob.key).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/invoices", token: alice.key).array("items").count == 1)
            #expect(try await lab.api.get("/v1/invoices?customerId=\(bob.id)", token: clerk.token).array("items").isEmpty)
            #expect(try await lab.api.get("/v1/invoices?customerId=\(alice.id)", token: clerk.token).array("items").count == 1)
            #expect(try await lab.api.get("/v1/invoices/\(invoice.id)", token: technician.token).status == .forbidden)
            #expect(try await lab.api.get("/v1/invoices/\(invoice.id)", token: lab.adminToken).status == .ok)
            #expect(try await lab.api.get("/v1/invoices/\(invoice.id)", token: alice.key, headers: [.accept: "image/png"]).status == .notAcceptable)
        }
    }

    @Test func staffPageThroughAllInvoicesNewestFirst() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let alice = try await lab.customer()
            let bob = try await lab.customer()
            for key in [alice.key, bob.key, alice.key] { _ = try await lab.invoicedOrder(key: key, serviceCodes: [code]) }
            let first = try await lab.api.get("/v1/invoices?limit=2", token: lab.adminToken)
            #expect(try first.array("items").compactMap { $0["number"]?.stringValue } == ["INV-\(currentYear)-000003", "INV-\(currentYear)-000002"])
            let next = try await lab.api.get("/v1/invoices?limit=2&cursor=\(try first.string("nextCursor"))", token: lab.adminToken)
            #expect(try next.array("items").compactMap { $0["number"]?.stringValue } == ["INV-\(currentYear)-000001"])
            #expect(next.value("nextCursor") == .null)
        }
    }

    @Test func htmlDocumentIsSelfContainedAndEscaped() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(named: "Smith, \"Acme\" & Sons <Ltd>")
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code, code])
            let response = try await lab.api.get("/v1/invoices/\(invoice.id)", token: customer.key, headers: [.accept: "text/html"])
            try response.expect(.ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = response.text
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains(invoice.number))
            #expect(html.contains(lab.configuration.lab.name))
            #expect(html.contains("Smith, &quot;Acme&quot; &amp; Sons &lt;Ltd&gt;"))
            #expect(!html.contains("<Ltd>"))
            #expect(html.contains("91330200X"))
            #expect(html.contains("742.00 CNY"))
            #expect(html.contains(invoice.dueOn))
            #expect(html.contains("Issued, unpaid"))
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.contains("src="))
            #expect(!html.contains("<link"))
        }
    }

    @Test func plainTextDocumentFitsEightyColumns() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000, expediteSurchargeBasisPoints: 5000)
            let customer = try await lab.customer(named: "Zhejiang Very Long Named Precision Instrument Manufacturing Company Limited, Ningbo Branch")
            let clerk = try await lab.staff(["billing"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code, code], priority: "expedited")
            try await lab.pay(invoice.id, 20_000, token: clerk.token).expect(.created)
            let response = try await lab.api.get("/v1/invoices/\(invoice.id)", token: customer.key, headers: [.accept: "text/plain"])
            try response.expect(.ok)
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
            let text = response.text
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
            #expect(text.contains("Invoice \(invoice.number)"))
            #expect(text.contains(lab.configuration.lab.name.uppercased()))
            #expect(text.contains("Due on"))
            #expect(text.contains(invoice.total.formatted))
            #expect(text.contains("Partially paid"))
            #expect(text.contains("Expedite surcharge"))
            #expect(!text.contains("&amp;"))
        }
    }
}
