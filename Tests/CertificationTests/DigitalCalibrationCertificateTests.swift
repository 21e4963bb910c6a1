import Crypto
import Foundation
import HTTPTypes
import LIMSCore
import LIMSServer
import LIMSTestSupport
import PostgresNIO
import Reports
import Testing

@testable import Certification

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The DCC form of certificates, the signed digests of every rendered document, and documents in the customer's language.
@Suite("Digital Calibration Certificates, document digests and languages")
struct DigitalCalibrationCertificateTests {
    static let dccAccept: HTTPFields = [.accept: "application/vnd.ptb.dcc+xml"]

    /// Signs the flow's job and returns the certificate's JSON response.
    static func sign(_ flow: LabFlow, body: [String: JSONValue]? = nil) async throws -> APIResponse {
        let lab = flow.lab
        try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: body ?? flow.measurementBody()).expect(.ok)
        try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
        try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
        let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
        try signed.expect(.created)
        return signed
    }

    static func setLanguage(_ lab: TestLab, customer: UUID, _ language: String) async throws {
        let response = try await lab.api.request(
            .patch, "/v1/customers/\(customer)", token: lab.adminToken, body: TestAPI.encode(.object(["documentLanguage": .string(language)]))
        )
        try response.expect(.ok)
        #expect(try response.string("documentLanguage") == language)
    }

    static func sha256(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// Runs `xmllint --schema dcc.xsd` (the schemas ship in Resources/dcc) and returns its exit status and output.
    static func validate(_ xml: String) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dcc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("certificate.xml")
        try Data(xml.utf8).write(to: file)
        let schema = TestDatabase.projectRoot.appendingPathComponent("Resources/dcc/dcc.xsd").path
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let tool = try #require(xmllint, "xmllint is missing: scripts/test.sh installs it (Debian: libxml2-utils)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--noout", "--nonet", "--schema", schema, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func aCalibrationCertificatesDCCValidatesAgainstTheSchema() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let signed = try await Self.sign(flow)
            let id = try signed.string("id")
            let dcc = try await lab.api.get("/v1/certificates/\(id)", token: flow.customer.key, headers: Self.dccAccept)
            try dcc.expect(.ok)
            #expect(dcc.headers[.contentType]?.hasPrefix("application/vnd.ptb.dcc+xml") == true)
            #expect(dcc.missingDocumentHeaders == [])
            let linked = try await lab.api.get("/v1/certificates/\(id)?format=dcc", token: flow.customer.key)
            #expect(linked.text == dcc.text)
            let result = try Self.validate(dcc.text)
            #expect(result.status == 0, "xmllint: \(result.output)")
            for expected in [try signed.string("number"), "NIM-2026-0042", "Tao Technician", "Mei Reviewer", "Sun Signatory", "\\mega\\pascal",
                             "<dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1>", "ITM-", "<dcc:coverageFactor>", "Fluke"] {
                #expect(dcc.text.contains(expected) || dcc.text.contains(expected.replacingOccurrences(of: "<dcc:coverageFactor>", with: "<si:coverageFactor>")),
                        "DCC lacks \(expected)")
            }
        }
    }

    @Test func aFailingVerificationsDCCValidatesAndStatesTheFailure() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification", mpe: "0.005")
            let signed = try await Self.sign(flow)
            #expect(try signed.string("document.documentKind") == "verification-result-notice")
            let dcc = try await lab.api.get("/v1/certificates/\(try signed.string("id"))?format=dcc", token: flow.customer.key)
            try dcc.expect(.ok)
            let result = try Self.validate(dcc.text)
            #expect(result.status == 0, "xmllint: \(result.output)")
            #expect(dcc.text.contains("<dcc:conformity>fail</dcc:conformity>"))
        }
    }

    @Test func aPassingVerificationCertificatesDCCValidatesAndStatesItsValidity() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab, kind: "verification", mpe: "0.05")
            try await Self.setLanguage(lab, customer: flow.customer.id, "zh-Hans")
            let signed = try await Self.sign(flow)
            #expect(try signed.string("document.documentKind") == "verification-certificate")
            let validUntil = try signed.string("document.validUntil")
            let dcc = try await lab.api.get("/v1/certificates/\(try signed.string("id"))?format=dcc", token: flow.customer.key)
            let result = try Self.validate(dcc.text)
            #expect(result.status == 0, "xmllint: \(result.output)")
            #expect(dcc.text.contains("<dcc:conformity>pass</dcc:conformity>"))
            #expect(dcc.text.contains("<dcc:date>\(validUntil)</dcc:date>"))
            #expect(dcc.text.contains("<dcc:usedLangCodeISO639_1>zh</dcc:usedLangCodeISO639_1>"))
            #expect(!dcc.text.contains("<dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1>"))
            let text = try await lab.api.get("/v1/certificates/\(try signed.string("id"))?format=text", token: flow.customer.key).text
            #expect(text.contains("检定证书") && text.contains("有效期至") && !text.contains("Verification Certificate"))
        }
    }

    @Test func theDCCsValuesAndUncertaintiesEqualTheJSONForm() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let signed = try await Self.sign(flow)
            let dcc = try await lab.api.get("/v1/certificates/\(try signed.string("id"))?format=dcc", token: flow.customer.key)
            let quantities = QuantityCollector.read(dcc.text)
            let results = try signed.array("document.results")
            #expect(quantities["basic_measurementError"]?.count == results.count)
            for (index, result) in results.enumerated() {
                #expect(quantities["basic_nominalValue"]?[index].value == result["nominal"]?.stringValue)
                #expect(quantities["basic_referenceValue"]?[index].value == result["reference"]?.stringValue)
                #expect(quantities["basic_measuredValue"]?[index].value == result["meanIndication"]?.stringValue)
                let error = try #require(quantities["basic_measurementError"]?[index])
                #expect(error.value == result["error"]?.stringValue)
                #expect(error.unit == "\\mega\\pascal")
                #expect(error.uncertainty == result["expandedUncertainty"]?.stringValue)
                #expect(error.coverageFactor == result["coverageFactor"]?.stringValue)
                let percent = try #require(result["coverageProbability"]?.stringValue?.replacingOccurrences(of: " %", with: ""))
                #expect(Decimal(string: try #require(error.coverageProbability))! * 100 == Decimal(string: percent)!)
            }
        }
    }

    @Test func theSameCertificateRenderedTwiceGivesIdenticalBytes() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let signed = try await Self.sign(flow)
            let id = try signed.string("id")
            let stored = try await lab.api.get("/v1/certificates/\(id)?format=json", token: flow.customer.key)
            var document = try JSONDecoder().decode(CertificateEnvelope.self, from: Data(stored.text.utf8)).document
            // Rendered as at signing: with the content digest, before the documents' digests were added.
            document.documents = nil
            let renderer = CertificateRenderer(renderer: try ReportRenderer(
                directory: TestDatabase.projectRoot.appendingPathComponent("Resources/templates"), requiring: CertificationDependencies.templates
            ))
            let first = try renderer.renderAll(document)
            let second = try renderer.renderAll(document)
            #expect(first.dcc == second.dcc && first.html == second.html && first.text == second.text)
            for (format, rendered) in [("html", first.html), ("text", first.text), ("dcc", first.dcc)] {
                let downloaded = try await lab.api.get("/v1/certificates/\(id)?format=\(format)", token: flow.customer.key)
                #expect(downloaded.text == rendered, "\(format) differs from a re-render")
            }
        }
    }

    @Test func verifyAcceptsEveryDocumentDigestAndRefusesAModifiedDCC() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let signed = try await Self.sign(flow)
            let id = try signed.string("id")
            let number = try signed.string("number")
            for format in ["html", "text", "dcc"] {
                let downloaded = try await lab.api.get("/v1/certificates/\(id)?format=\(format)", token: flow.customer.key)
                let digest = Self.sha256(downloaded.text)
                #expect(try signed.string("documents.\(format)") == digest)
                #expect(try signed.string("document.documents.\(format)") == digest)
                let verified = try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)")
                #expect(try verified.string("status") == "valid", "\(format)")
            }
            for digest in [try signed.string("digest"), try signed.string("document.contentDigest")] {
                #expect(try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)").string("status") == "valid")
            }
            let dcc = try await lab.api.get("/v1/certificates/\(id)?format=dcc", token: flow.customer.key).text
            let forged = dcc.replacingOccurrences(of: "Tao Technician", with: "Someone Else")
            #expect(forged != dcc)
            #expect(try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(Self.sha256(forged))").string("status") == "mismatch")
            // The signature covers the documents' digests.
            let publicKey = try await lab.api.get("/v1/certificates/public-key").string("publicKey")
            #expect(SigningKey.verify(signatureBase64: try signed.string("signature"), digestHex: try signed.string("digest"), publicKeyBase64: publicKey))
        }
    }

    @Test func aUnitTheConverterDoesNotKnowStopsTheSigningWithoutANumber() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            var body = flow.measurementBody()
            if case .array(var points) = body["points"], case .object(var point) = points[0] {
                point["unit"] = .string("°F")
                points[0] = .object(point)
                body["points"] = .array(points)
            }
            try await lab.api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: body).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
            try await lab.api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
            let refused = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            #expect(refused.status == .conflict)
            #expect(refused.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(refused.text.contains("points[0].unit") && refused.text.contains("°F"))
            let list = try await lab.api.get("/v1/certificates?orderId=\(flow.orderId)", token: lab.adminToken)
            #expect(try list.array("items").isEmpty)
        }
    }

    @Test func aBilingualCertificateShowsBothLanguagesInEveryForm() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await Self.setLanguage(lab, customer: flow.customer.id, "bilingual")
            let signed = try await Self.sign(flow)
            #expect(try signed.string("document.language") == "bilingual")
            let id = try signed.string("id")
            let html = try await lab.api.get("/v1/certificates/\(id)?format=html", token: flow.customer.key).text
            let text = try await lab.api.get("/v1/certificates/\(id)?format=text", token: flow.customer.key).text
            for form in [html, text] {
                for expected in ["校准证书", "Calibration Certificate", "客户", "Customer", "批准人", "Approved and signed by", "本证书结果仅对所校准"] {
                    #expect(form.contains(expected), "lacks \(expected)")
                }
            }
            #expect(html.contains("<html lang=\"zh-Hans\">"))
            let dcc = try await lab.api.get("/v1/certificates/\(id)?format=dcc", token: flow.customer.key).text
            #expect(dcc.contains("<dcc:usedLangCodeISO639_1>zh</dcc:usedLangCodeISO639_1>"))
            #expect(dcc.contains("<dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1>"))
            let result = try Self.validate(dcc)
            #expect(result.status == 0, "xmllint: \(result.output)")
            // The item's label, printed when asked for, follows the customer's language too.
            let label = try await lab.api.get("/v1/items/\(flow.itemId)/label", token: lab.adminToken)
            try label.expect(.ok)
            #expect(label.text.contains("<html lang=\"zh-Hans\">") && label.text.contains("出厂编号 s/n"))
            // Frozen at signing: a later change of language leaves the certificate as it was.
            try await Self.setLanguage(lab, customer: flow.customer.id, "en")
            #expect(try await lab.api.get("/v1/certificates/\(id)?format=html", token: flow.customer.key).text == html)
        }
    }

    @Test func theTextFormsColumnsLineUpWithChineseText() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await Self.setLanguage(lab, customer: flow.customer.id, "bilingual")
            let signed = try await Self.sign(flow)
            let text = try await lab.api.get("/v1/certificates/\(try signed.string("id"))?format=text", token: flow.customer.key).text
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let tooWide = lines.filter { DisplayWidth.of($0) > 80 }
            #expect(tooWide.isEmpty, "wider than 80 columns: \(tooWide)")
            // The facts: every value starts in the same display column.
            let factLabels = ["客户 Customer:", "出厂编号 Serial number:", "实验室编号 Lab number:", "签发日期 Date of issue:"]
            let starts = factLabels.compactMap { label in lines.first { $0.hasPrefix(label) }.map { valueStart($0) } }
            #expect(starts.count == factLabels.count)
            #expect(Set(starts).count == 1, "fact values start at columns \(starts)")
            // The results table: the Chinese header, the English header and each row start their cells in the same columns.
            let header = try #require(lines.firstIndex { $0.hasPrefix("#") && $0.contains("标称值") })
            let rows = lines[header...].prefix { !$0.hasPrefix("U ") && !$0.hasPrefix("U 为") }.filter { !$0.hasPrefix("---") && !$0.isEmpty }
            #expect(rows.count >= 3)
            let boundaries = CertificateRenderer.columns.reduce(into: [0]) { $0.append($0.last! + $1) }.dropFirst()
            for row in rows {
                let occupied = occupancy(row)
                for boundary in boundaries where boundary <= occupied.count {
                    // The column before each boundary is blank and no wide character straddles it: cells never run together.
                    #expect(occupied[boundary - 1] == " ", "column \(boundary) is not a cell boundary in \(row)")
                }
            }
        }
    }

    /// The character occupying each display column of `line` (a wide character fills two).
    func occupancy(_ line: String) -> [Character] {
        line.flatMap { character in Array(repeating: character, count: DisplayWidth.of(String(character))) }
    }

    /// The display column where the value after a `label:` block starts.
    func valueStart(_ line: String) -> Int {
        guard let colon = line.firstIndex(of: ":") else { return -1 }
        let rest = line[line.index(after: colon)...]
        let spaces = rest.prefix { $0 == " " }.count
        return DisplayWidth.of(line[..<colon]) + 1 + spaces
    }

    @Test func aZhHansCustomersInvoiceIsInChinese() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await Self.setLanguage(lab, customer: flow.customer.id, "zh-Hans")
            _ = try await Self.sign(flow)
            let invoices = try await lab.api.get("/v1/invoices", token: flow.customer.key)
            let invoiceId = try #require(try invoices.array("items").first?["id"]?.stringValue)
            let html = try await lab.api.get("/v1/invoices/\(invoiceId)", token: flow.customer.key, headers: [.accept: "text/html"]).text
            let text = try await lab.api.get("/v1/invoices/\(invoiceId)", token: flow.customer.key, headers: [.accept: "text/plain"]).text
            for form in [html, text] {
                for expected in ["发票", "付款方", "合计", "应付余额"] { #expect(form.contains(expected), "invoice lacks \(expected)") }
                for english in ["Balance due", "Bill to", "Subtotal"] { #expect(!form.contains(english), "invoice still says \(english)") }
            }
            #expect(text.split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= 80 })
        }
    }

    /// A certificate signed before this change (schema 1: no language, no documents' digests, no DCC) keeps its stored bytes
    /// and verifies exactly as before; amending it issues a schema-2 revision with a DCC.
    @Test func aCertificateSignedBeforeDocumentDigestsKeepsVerifyingAsItDid() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let signed = try await Self.sign(flow)
            // Rebuild the certificate as the previous release stored it, under a number of its own.
            var document = try JSONDecoder().decode(
                CertificateEnvelope.self, from: Data(try await lab.api.get("/v1/certificates/\(try signed.string("id"))", token: lab.adminToken).text.utf8)
            ).document
            document.schema = "calibra.certificate/1"
            document.number = "CERT-2025-000777"
            document.language = nil
            document.statementsZh = nil
            document.contentDigest = nil
            document.documents = nil
            document.laboratory.countryCode = nil
            document.customer.email = nil
            let canonical = String(decoding: try document.canonicalJSON(), as: UTF8.self)
            #expect(!canonical.contains("documents") && !canonical.contains("contentDigest") && !canonical.contains("language"))
            let digest = Self.sha256(canonical)
            let html = "<html><body>Legacy \(document.number)</body></html>", text = "Legacy \(document.number)\n"
            let json = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
            try await lab.asOwner(
                """
                INSERT INTO certificates (number, base_number, revision, job_id, item_id, order_id, customer_id, document_kind, document, canonical,
                                          digest, signature, html, plain_text, issued_by)
                SELECT \(document.number), \(document.number), 0, job_id, item_id, order_id, customer_id, document_kind, \(json)::jsonb,
                       \(canonical), \(digest), signature, \(html), \(text), issued_by
                FROM certificates WHERE id = \(UUID(uuidString: try signed.string("id"))!)
                """
            )
            let list = try await lab.api.get("/v1/certificates?orderId=\(flow.orderId)", token: lab.adminToken).array("items")
            let legacyId = try #require(list.first { $0["number"]?.stringValue == document.number }?["id"]?.stringValue)
            let stored = try await lab.api.get("/v1/certificates/\(legacyId)", token: lab.adminToken)
            #expect(try stored.string("digest") == digest)
            #expect(stored.value("documents") == nil)
            #expect(try await lab.api.get("/v1/certificates/\(legacyId)?format=html", token: lab.adminToken).text == html)
            #expect(try await lab.api.get("/v1/certificates/\(legacyId)?format=text", token: lab.adminToken).text == text)
            #expect(try await lab.api.get("/v1/certificates/\(legacyId)?format=dcc", token: lab.adminToken).status == .notFound)
            let number = document.number
            #expect(try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)").string("status") == "valid")
            #expect(try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(Self.sha256(html))").string("status") == "mismatch")
            // Its amendment is a new document: schema 2, English as the original, with a DCC.
            let amended = try await lab.api.post(
                "/v1/certificates/\(legacyId)/amend", token: flow.signatory.token, json: ["reason": .string("Serial number corrected")]
            )
            try amended.expect(.created)
            #expect(try amended.string("document.schema") == "calibra.certificate/2")
            #expect(try amended.string("document.language") == "en")
            let dcc = try await lab.api.get("/v1/certificates/\(try amended.string("id"))?format=dcc", token: lab.adminToken)
            try dcc.expect(.ok)
            #expect(dcc.text.contains(number))
            let result = try Self.validate(dcc.text)
            #expect(result.status == 0, "xmllint: \(result.output)")
            #expect(try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)").string("status") == "superseded")
        }
    }

    @Test func documentLanguageMustBeOneOfTheThree() async throws {
        try await TestLab.run { lab in
            let customer = try await lab.customer()
            let refused = try await lab.api.request(
                .patch, "/v1/customers/\(customer.id)", token: lab.adminToken, body: TestAPI.encode(.object(["documentLanguage": .string("fr")]))
            )
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("documentLanguage"))
        }
    }
}

/// The JSON form of a certificate, as far as re-rendering needs it.
struct CertificateEnvelope: Decodable {
    var document: CertificateDocument
}

/// Reads every `dcc:quantity` with a refType: its value, unit and expanded uncertainty, in document order.
final class QuantityCollector: NSObject, XMLParserDelegate {
    struct Quantity {
        var value: String?
        var unit: String?
        var uncertainty: String?
        var coverageFactor: String?
        var coverageProbability: String?
    }

    var found: [String: [Quantity]] = [:]
    var current: (refType: String, quantity: Quantity)?
    var text = ""

    static func read(_ xml: String) -> [String: [Quantity]] {
        let collector = QuantityCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.shouldProcessNamespaces = true
        parser.delegate = collector
        _ = parser.parse()
        return collector.found
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "quantity", let refType = attributes["refType"] { current = (refType, Quantity()) }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard current != nil else { return }
        switch name {
        case "value" where namespaceURI == "https://ptb.de/si": current?.quantity.value = text
        case "unit": current?.quantity.unit = text
        case "uncertainty": current?.quantity.uncertainty = text
        case "coverageFactor": current?.quantity.coverageFactor = text
        case "coverageProbability": current?.quantity.coverageProbability = text
        case "quantity":
            if let current { found[current.refType, default: []].append(current.quantity) }
            current = nil
        default: break
        }
    }
}
