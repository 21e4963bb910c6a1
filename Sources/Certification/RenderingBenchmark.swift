import Foundation
import Reports

/// Measures certificate rendering on one core: documents per second for HTML and for text, on a
/// representative certificate (ten measurement points, two reference standards). Run by `lims benchmark render`.
public enum RenderingBenchmark {
    public struct Result: Sendable {
        public var documents: Int
        public var htmlPerSecond: Double
        public var textPerSecond: Double
        public var htmlBytes: Int
        public var textBytes: Int
    }

    public static func run(renderer: ReportRenderer, documents: Int, progress: (String) -> Void = { print($0) }) throws -> Result {
        let certificateRenderer = CertificateRenderer(renderer: renderer)
        let document = sample()
        let digest = String(repeating: "ab", count: 32)
        let context = CertificateRenderer.context(document, digest: digest)
        var htmlBytes = 0
        var textBytes = 0
        // Warm up, then time each format separately on this one thread.
        _ = try certificateRenderer.render(document, digest: digest)
        let clock = ContinuousClock()
        let html = try clock.measure {
            for index in 0..<documents {
                htmlBytes = try renderer.render("certificate.html", context).utf8.count
                if index % max(1, documents / 4) == 0 { progress("html \(index)/\(documents)") }
            }
        }
        let text = try clock.measure {
            for index in 0..<documents {
                textBytes = try renderer.render("certificate.txt", context).utf8.count
                if index % max(1, documents / 4) == 0 { progress("text \(index)/\(documents)") }
            }
        }
        func perSecond(_ duration: Duration) -> Double {
            Double(documents) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        return Result(documents: documents, htmlPerSecond: perSecond(html), textPerSecond: perSecond(text), htmlBytes: htmlBytes, textBytes: textBytes)
    }

    static func sample() -> CertificateDocument {
        let results = (1...10).map { point in
            CertificateDocument.Result(
                point: point, quantity: "pressure", unit: "MPa", nominal: "\(point * 6)", reference: "\(point * 6).000", meanIndication: "\(point * 6).0123",
                error: "0.0123", expandedUncertainty: "0.0048", coverageFactor: "2.00", coverageProbability: "95.45 %", mpe: "0.04", decision: "pass"
            )
        }
        let standard = CertificateDocument.ReferenceStandard(
            assetTag: "REF-P-001", name: "Digital pressure calibrator", manufacturer: "Fluke", model: "2700G", serialNumber: "REF-P-001-SN",
            calibrationCertificate: "NIM-REF-P-001-2026", calibratedBy: "National Institute of Metrology, China", dueOn: "2027-09-20",
            traceability: "Traceable to the national primary standards of China (NIM) and thereby to the SI"
        )
        return CertificateDocument(
            schema: "calibra.certificate/1", number: "CERT-2026-000123", revision: 0, supersedes: nil, amendmentReason: nil,
            documentKind: "verification-certificate", title: "Verification Certificate",
            laboratory: .init(name: "Calibra Metrology Test Centre", address: "88 Measurement Road, Hangzhou"), accreditation: "CNAS L0000",
            customer: .init(name: "Acme Instruments Co., Ltd.", address: "12 Industrial Avenue, Suzhou"), orderNumber: "ORD-2026-000042",
            customerReference: "PO-2026-0100",
            instrument: .init(manufacturer: "Yichuan", model: "Y-100", serialNumber: "PO-2026-0100-1", assetTag: nil, description: nil,
                              labNumber: "ITM-2026-000077", conditionOnReceipt: "ok"),
            method: .init(serviceCode: "PG-VER", title: "Spring-tube pressure gauge verification", reference: "JJG 52-2013", accredited: true,
                          quantity: "pressure", range: "0 to 60 MPa"),
            receivedOn: "2026-11-20", calibratedOn: "2026-11-22", issuedOn: "2026-11-23", validUntil: "2027-05-21",
            environment: ["Temperature (°C)": "20.3", "Relative humidity (%)": "48"], results: results, failingPoints: [],
            decisionRule: "simple acceptance (ILAC-G8:09/2019)", referenceEquipment: [standard, standard],
            performedBy: .init(name: "Tao Technician", role: "Performed by"), reviewedBy: .init(name: "Mei Reviewer", role: "Reviewed by"),
            signedBy: .init(name: "Sun Signatory", role: "Approved and signed by"), statements: CertificateIssuing.statements,
            verifyURL: "https://lims.example/v1/certificates/verify"
        )
    }
}
