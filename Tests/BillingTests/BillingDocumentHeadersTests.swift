import Billing
import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Billing documents carry the document headers; the export is safe in a spreadsheet")
struct BillingDocumentHeadersTests {
    @Test func invoicesCreditNotesAndTheExportCarryTheDocumentHeaders() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 12_345)
            let customer = try await lab.customer()
            let clerk = try await lab.staff(["billing"])
            let invoice = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])
            let note = try await lab.api.post("/v1/invoices/\(invoice.id)/credit-notes", token: clerk.token, json: ["reason": .string("Duplicate")])
            try note.expect(.created)
            let noteId = try note.string("id")
            for accept in ["text/html", "text/plain", "application/json"] {
                for path in ["/v1/invoices/\(invoice.id)", "/v1/credit-notes/\(noteId)"] {
                    let response = try await lab.api.get(path, token: lab.adminToken, headers: [.accept: accept])
                    try response.expect(.ok)
                    #expect(response.headers[.contentType]?.hasPrefix(accept) == true)
                    #expect(response.missingDocumentHeaders == [], "\(path) as \(accept)")
                }
            }
            let today = DateFormats.formatDay(Date())
            let export = try await lab.api.get("/v1/invoices/export.csv?from=\(today)&to=\(today)", token: clerk.token)
            try export.expect(.ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(export.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(export.missingDocumentHeaders == [])
            // Problems and plain JSON carry nosniff too.
            let problem = try await lab.api.get("/v1/invoices/\(UUID())", token: clerk.token)
            #expect(problem.status == .notFound)
            #expect(problem.headers[.xContentTypeOptions] == "nosniff")
            #expect(try await lab.api.get("/health").headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test func formulaCellsAreNeutralisedButServerAmountsStayNumbers() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let clerk = try await lab.staff(["billing"])
            let plain = try await lab.customer(named: "=1+1")
            let link = try await lab.customer(named: "=HYPERLINK(\"http://x\")")
            _ = try await lab.invoicedOrder(key: plain.key, serviceCodes: [code])
            let linked = try await lab.invoicedOrder(key: link.key, serviceCodes: [code])
            try await lab.api.post("/v1/invoices/\(linked.id)/credit-notes", token: clerk.token, json: ["reason": .string("-x")]).expect(.created)

            let today = DateFormats.formatDay(Date())
            let text = try await lab.api.get("/v1/invoices/export.csv?from=\(today)&to=\(today)", token: clerk.token).text
            #expect(text.contains(",'=1+1,"))
            #expect(text.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","))
            let records = CSV.parse(text)
            let header = try #require(records.first)
            let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(Set(rows.compactMap { $0["customerName"] }) == ["'=1+1", "'=HYPERLINK(\"http://x\")"])
            // No cell a spreadsheet would run, except the server's own negative amounts, which are plain numbers.
            for row in rows {
                for (column, cell) in row where cell.first.map({ "=+-@\t\r".contains($0) }) == true {
                    #expect(["subtotal", "discount", "surcharge", "tax", "total"].contains(column), "\(column): \(cell)")
                    #expect(Decimal(string: cell) != nil, "\(column): \(cell)")
                }
            }
            let note = try #require(rows.first { $0["type"] == "credit_note" })
            #expect(note["total"] == "-\(linked.total.decimalString)")
        }
    }

    @Test func csvCellsAreNeutralisedAndStillQuotedPerRFC4180() {
        for dangerous in ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            #expect(CSVText.field(.text(dangerous)).hasPrefix("'") || CSVText.field(.text(dangerous)).hasPrefix("\"'"), "\(dangerous)")
        }
        #expect(CSVText.field(.text("=1+1")) == "'=1+1")
        #expect(CSVText.field(.text("=A1,B1")) == "\"'=A1,B1\"")
        #expect(CSVText.field(.text("\rx")) == "\"'\rx\"")
        #expect(CSVText.field(.text("plain")) == "plain")
        #expect(CSVText.field(.text("a \"b\"")) == "\"a \"\"b\"\"\"")
        #expect(CSVText.field(.number("-12.50")) == "-12.50")
        #expect(CSVText.field(.number("12")) == "12")
        #expect(CSVText.field(.number("-1+1")) == "'-1+1")
        #expect(CSVText.field(.number("-")) == "'-")
        #expect(CSVText.field(.number("=1")) == "'=1")
        #expect(InvoiceExport.field("@cmd") == "'@cmd")
        #expect(CSVText.record([.text("=x"), .number("-1.00")]) == "'=x,-1.00\r\n")
    }
}
