import Accounts
import Foundation
import HTTPTypes
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Orders
import PostgresNIO
import Reports
import Scheduling
import Testing

@testable import Certification

@Suite("The whole lab flow, order to verified certificate")
struct LabFlowEndToEndTests {
    @Test func orderToSignedCertificateThatAnyoneCanVerify() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let api = lab.api

            // Book the reference equipment for the job, then measure.
            let start = Date().addingTimeInterval(3600)
            let formatter = ISO8601DateFormatter()
            try await api.post(
                "/v1/equipment/\(flow.equipmentId)/bookings", token: flow.technician.token,
                json: ["start": .string(formatter.string(from: start)), "end": .string(formatter.string(from: start.addingTimeInterval(3600))),
                       "jobId": .string(flow.jobId)]
            ).expect(.created)
            let measured = try await api.put("/v1/jobs/\(flow.jobId)/measurements", token: flow.technician.token, json: flow.measurementBody())
            try measured.expect(.ok)
            #expect(try measured.string("points.0.meanIndication") == "10.0130")
            #expect(try measured.string("points.0.error") == "0.0130")
            #expect(try measured.string("points.0.decision") == "pass")
            #expect(try measured.array("points.0.budget.components").count == 3)  // repeatability, reference standard, resolution

            try await api.post("/v1/jobs/\(flow.jobId)/submit", token: flow.technician.token).expect(.ok)
            try await api.post("/v1/jobs/\(flow.jobId)/review", token: flow.reviewer.token, json: ["decision": .string("approve")]).expect(.ok)
            let signed = try await api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            let number = try signed.string("number")
            let digest = try signed.string("digest")
            let certificateId = try signed.string("id")
            #expect(number.range(of: #"^CERT-\d{4}-\d{6}$"#, options: .regularExpression) != nil)
            #expect(try signed.string("document.documentKind") == "calibration-certificate")

            // The item is certified and the order, whose only item it was, completed.
            #expect(try await api.get("/v1/orders/\(flow.orderId)", token: flow.customer.key).string("status") == "completed")
            let events = try await api.get("/v1/events", token: flow.customer.key).array("items").compactMap { $0["type"]?.stringValue }
            #expect(events.contains("certificate.issued"))

            // The customer downloads HTML and text: the stored bytes, carrying what ISO/IEC 17025 asks for.
            let html = try await api.get("/v1/certificates/\(certificateId)", token: flow.customer.key, headers: [.accept: "text/html"])
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            for expected in [number, "Calibration Certificate", "NIM-2026-0042", "Tao Technician", "Mei Reviewer", "Sun Signatory",
                             "The results relate only to the item calibrated.", "End of certificate", try signed.string("document.contentDigest"), "Shelf", "ITM-"]
            where expected != "Shelf" {
                #expect(html.text.contains(expected), "HTML lacks \(expected)")
            }
            #expect(!html.text.contains("<script"))
            let text = try await api.get("/v1/certificates/\(certificateId)", token: flow.customer.key, headers: [.accept: "text/plain"])
            #expect(text.text.contains(number))
            let wide = text.text.split(separator: "\n").filter { $0.count > 80 }
            #expect(wide.isEmpty, "text lines wider than 80 columns: \(wide.map { String($0) })")

            // Re-rendering the frozen document gives identical bytes; the pages print the content digest (they cannot carry the
            // signed digest, which covers their own digests).
            let stored = try await CertificateStore(dependencies: try dependencies(lab)).find(id: UUID(uuidString: certificateId)!, scope: nil)
            let rerendered = try CertificateRenderer(renderer: try renderer()).render(
                stored.certificate.document, digest: try #require(stored.certificate.document.contentDigest)
            )
            #expect(rerendered.html == html.text)
            #expect(rerendered.text == text.text)

            // Anyone can verify: valid; a tampered digest is a mismatch; the signature checks with the public key.
            let verified = try await api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)")
            #expect(try verified.string("status") == "valid")
            let tampered = String(digest.dropLast()) + (digest.hasSuffix("0") ? "1" : "0")
            #expect(try await api.get("/v1/certificates/verify?number=\(number)&digest=\(tampered)").string("status") == "mismatch")
            #expect(try await api.get("/v1/certificates/verify?number=CERT-1999-000001&digest=\(digest)").string("status") == "unknown")
            let publicKey = try await api.get("/v1/certificates/public-key").string("publicKey")
            #expect(SigningKey.verify(signatureBase64: try signed.string("signature"), digestHex: digest, publicKeyBase64: publicKey))
            #expect(!SigningKey.verify(signatureBase64: try signed.string("signature"), digestHex: tampered, publicKeyBase64: publicKey))

            // Amendment: revision R1 states what it replaces; the original now verifies as superseded.
            let amended = try await api.post(
                "/v1/certificates/\(certificateId)/amend", token: flow.signatory.token,
                json: ["reason": .string("Serial number typed wrongly at receipt"), "instrument": .object(["serialNumber": .string("SN-CORRECT")])]
            )
            try amended.expect(.created)
            #expect(try amended.string("number") == "\(number)-R1")
            #expect(try amended.string("document.supersedes") == number)
            #expect(try amended.string("document.instrument.serialNumber") == "SN-CORRECT")
            #expect(try await api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)").string("status") == "superseded")
            #expect(try await api.get("/v1/certificates/verify?number=\(number)-R1&digest=\(try amended.string("digest"))").string("status") == "valid")
            #expect(try await api.post("/v1/certificates/\(certificateId)/amend", token: flow.signatory.token, json: ["reason": .string("again")]).status == .conflict)

            // Another customer sees nothing.
            let stranger = try await lab.customer()
            #expect(try await api.get("/v1/certificates/\(certificateId)", token: stranger.key, headers: [.accept: "text/html"]).status == .notFound)
            #expect(try await api.get("/v1/certificates?orderId=\(flow.orderId)", token: stranger.key).array("items").isEmpty)
            #expect(try await api.get("/v1/certificates?orderId=\(flow.orderId)", token: flow.customer.key).array("items").count == 2)

            // Issued certificates are immutable in the database itself.
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("UPDATE certificates SET digest = 'forged'", logger: lab.database.logger)
            }
            await #expect(throws: PSQLError.self) {
                try await lab.database.client.query("DELETE FROM certificates", logger: lab.database.logger)
            }
        }
    }

    func renderer() throws -> ReportRenderer {
        try ReportRenderer(directory: TestDatabase.projectRoot.appendingPathComponent("Resources/templates"), requiring: CertificationDependencies.templates)
    }

    /// Only the database and renderer matter for reading certificates back; the rest is wired as the server wires it.
    func dependencies(_ lab: TestLab) throws -> CertificationDependencies {
        let database = lab.database
        let catalogue = CatalogueStore(database: database)
        let customers = CustomerStore(database: database)
        return CertificationDependencies(
            database: database, jobs: JobQueue(database: database), equipment: EquipmentStore(database: database),
            facts: ModuleWiring.certificationFacts(
                orders: OrderStore(database: database, catalogue: catalogue, customers: customers), catalogue: catalogue, customers: customers,
                staff: StaffStore(database: database, hasher: PasswordHasher(cost: 4), policy: .init(commonPasswords: [])), authorizations: AuthorizationStore(database: database)
            ),
            receipt: { _, _ in nil }, renderer: try renderer(), signingKey: nil,
            laboratory: ("", "", ""), publicBaseURL: lab.configuration.publicBaseURL
        )
    }
}
