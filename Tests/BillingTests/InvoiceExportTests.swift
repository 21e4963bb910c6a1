import Billing
import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("The accounting export")
struct InvoiceExportTests {
    @Test func csvQuotesFieldsUsesCRLFAndItsTotalsAddUp() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(priceMinor: 35_000)
            let customer = try await lab.customer(named: "Smith, \"Acme\" & Sons")
            let other = try await lab.customer(discountBasisPoints: 1000)
            let clerk = try await lab.staff(["billing"])
            let first = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code, code])
            let second = try await lab.invoicedOrder(key: other.key, serviceCodes: [code])
            let third = try await lab.invoicedOrder(key: customer.key, serviceCodes: [code])
            let reason: JSONValue = .string("Cancelled, \"duplicate\"")
            try await lab.api.post("/v1/invoices/\(second.id)/credit-notes", token: clerk.token, json: ["reason": reason]).expect(.created)

            let today = DateFormats.formatDay(Date())
            let response = try await lab.api.get("/v1/invoices/export.csv?from=\(today)&to=\(today)", token: clerk.token)
            try response.expect(.ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            let text = response.text
            #expect(text.hasSuffix("\r\n"))
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            #expect(text.contains(",\"Smith, \"\"Acme\"\" & Sons\","))

            let records = CSV.parse(text)
            let header = try #require(records.first)
            #expect(header.first == "type")
            let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(rows.count == 4)
            #expect(rows.map { $0["type"] ?? "" }.sorted() == ["credit_note", "invoice", "invoice", "invoice"])
            let note = try #require(rows.first { $0["type"] == "credit_note" })
            #expect(note["referencesInvoice"] == second.number)
            #expect(note["total"] == "-\(second.total.decimalString)")
            #expect(rows.filter { $0["customerName"] == "Smith, \"Acme\" & Sons" }.count == 2)

            let sum = rows.compactMap { $0["total"].flatMap { Decimal(string: $0) } }.reduce(Decimal(0), +)
            let expectedMinor = first.total.amountMinor + second.total.amountMinor + third.total.amountMinor - second.total.amountMinor
            #expect(sum * 100 == Decimal(expectedMinor))

            let yesterday = DateFormats.formatDay(Date().addingTimeInterval(-86_400))
            let empty = try await lab.api.get("/v1/invoices/export.csv?from=\(yesterday)&to=\(yesterday)", token: clerk.token)
            #expect(CSV.parse(empty.text).count == 1)
        }
    }

    @Test func exportNeedsTheBillingRoleAndAValidRange() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let technician = try await lab.staff(["technician"])
            #expect(try await lab.api.get("/v1/invoices/export.csv?from=2026-01-01&to=2026-01-31", token: customer.key).status == .forbidden)
            #expect(try await lab.api.get("/v1/invoices/export.csv?from=2026-01-01&to=2026-01-31", token: technician.token).status == .forbidden)
            #expect(try await lab.api.get("/v1/invoices/export.csv?from=2026-01-01&to=2026-01-31", token: lab.adminToken).status == .ok)
            #expect(Set(try await lab.api.get("/v1/invoices/export.csv", token: lab.adminToken).problemFields) == ["from", "to"])
            #expect(try await lab.api.get("/v1/invoices/export.csv?from=2026-02-01&to=2026-01-31", token: lab.adminToken).problemFields == ["to"])
            #expect(try await lab.api.get("/v1/invoices/export.csv?from=2026-1-1&to=2026-01-31", token: lab.adminToken).problemFields == ["from"])
        }
    }

    @Test func fieldsAreQuotedOnlyWhenTheyMustBe() {
        #expect(InvoiceExport.field("plain") == "plain")
        #expect(InvoiceExport.field("a,b") == "\"a,b\"")
        #expect(InvoiceExport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(InvoiceExport.field("two\nlines") == "\"two\nlines\"")
        #expect(InvoiceExport.field("cr\rhere") == "\"cr\rhere\"")
    }
}

/// A small RFC 4180 reader, enough to read the export back.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field); field = ""
            } else if character == "\r", characters.first == "\n" {
                characters.removeFirst()
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.unicodeScalars.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
