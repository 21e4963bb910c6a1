import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Certificate documents and verification answers")
struct CertificateDocumentHeadersTests {
    @Test func everyCertificateFormatCarriesTheDocumentHeaders() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            let id = try signed.string("id")
            for accept in ["text/html", "text/plain", "application/json"] {
                let response = try await lab.api.get("/v1/certificates/\(id)", token: flow.customer.key, headers: [.accept: accept])
                try response.expect(.ok)
                #expect(response.headers[.contentType]?.hasPrefix(accept) == true)
                #expect(response.missingDocumentHeaders == [], "\(accept)")
                #expect(response.headers[.vary] == "Accept")
            }
            for format in ["html", "text", "json"] {
                let response = try await lab.api.get("/v1/certificates/\(id)?format=\(format)", token: flow.customer.key)
                #expect(response.missingDocumentHeaders == [], "\(format)")
            }
            // The policy forbids every script and every framing.
            #expect(DocumentHeaders.contentSecurityPolicy.contains("default-src 'none'"))
            #expect(!DocumentHeaders.contentSecurityPolicy.contains("script-src"))
            #expect(DocumentHeaders.contentSecurityPolicy.contains("frame-ancestors 'none'"))
        }
    }

    @Test func aWrongDigestLearnsOnlyMismatchAndTheNumber() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            let number = try signed.string("number")
            let digest = try signed.string("digest")

            let wrong = try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(String(repeating: "0", count: 64))")
            try wrong.expect(.ok)
            #expect(wrong.json == .object(["status": .string("mismatch"), "number": .string(number)]))
            let unknown = try await lab.api.get("/v1/certificates/verify?number=CERT-1999-000001&digest=\(digest)")
            #expect(unknown.json == .object(["status": .string("unknown"), "number": .string("CERT-1999-000001")]))
            let right = try await lab.api.get("/v1/certificates/verify?number=\(number)&digest=\(digest)")
            #expect(try right.string("status") == "valid")
            #expect(right.value("issuedAt") != nil)
        }
    }
}
