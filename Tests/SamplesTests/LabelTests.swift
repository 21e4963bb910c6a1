import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Printable labels")
struct LabelTests {
    @Test func labelCarriesTheLabNumberAsAScannableCode128Barcode() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service()
            let customer = try await lab.customer()
            let receptionist = try await lab.staff(["receptionist"])
            var body = TestLab.orderBody(serviceCodes: [code])
            body["items"] = .array([
                .object([
                    "serviceCode": .string(code),
                    "instrument": .object([
                        "manufacturer": .string("Smith & Sons <Gauges>"), "model": .string("\"PG\" 100"), "serialNumber": .string("SN-'42'"),
                    ]),
                ])
            ])
            let order = try await lab.order(customerKey: customer.key, serviceCodes: [code], body: body)
            let item = order.itemIds[0]
            let early = try await lab.api.get("/v1/items/\(item)/label", token: receptionist.token)
            #expect(early.status == .conflict)
            #expect(try early.string("currentState") == "awaiting_receipt")

            let received = try await lab.receive(item, token: receptionist.token)
            let number = try received.string("number")
            let label = try await lab.api.get("/v1/items/\(item)/label", token: receptionist.token)
            try label.expect(.ok)
            #expect(label.headers[.contentType] == "text/html; charset=utf-8")
            #expect(label.missingDocumentHeaders == [])
            let html = label.text
            #expect(html.contains("@page { size: 62mm 29mm; margin: 0 }"))
            for forbidden in ["<script", "src=", "href=", "url(", "<link", "@import"] {
                #expect(!html.contains(forbidden), "the label must be self-contained: found \(forbidden)")
            }

            let svg = try Code128Decoder.svg(in: html)
            #expect(try Code128Decoder.decode(widths: Code128Decoder.widths(svg: svg)) == number)

            #expect(html.contains(">\(number)<"))
            #expect(html.contains(try received.string("orderNumber")))
            #expect(html.contains(code))
            let customerName = try await lab.api.get("/v1/customers/\(customer.id)", token: lab.adminToken).string("name")
            #expect(html.contains(customerName))
            #expect(html.contains("Smith &amp; Sons &lt;Gauges&gt; &quot;PG&quot; 100"))
            #expect(html.contains("SN-&#39;42&#39;"))
            #expect(!html.contains("<Gauges>"))
        }
    }
}
