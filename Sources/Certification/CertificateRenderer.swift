import Foundation
import Reports

/// Renders a frozen certificate document to HTML and to 80-column text. Pure: the same document and digest
/// always give the same bytes, which is what lets a test re-render a stored certificate and compare.
struct CertificateRenderer: Sendable {
    let renderer: ReportRenderer

    func render(_ document: CertificateDocument, digest: String) throws -> (html: String, text: String) {
        let context = Self.context(document, digest: digest)
        return (try renderer.render("certificate.html", context), Self.fitTo80Columns(try renderer.render("certificate.txt", context)))
    }

    /// Wraps any line a long value (an address, a traceability statement) pushed past 80 columns, keeping
    /// its indentation, so the text form reads in any terminal.
    static func fitTo80Columns(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            guard line.count > 80 else { return [String(line)] }
            let indent = String(line.prefix { $0 == " " })
            let continuation = indent + "  "
            let wrapped = PlainText.wrap(String(line.dropFirst(indent.count)), width: 80 - continuation.count)
            return wrapped.enumerated().map { index, part in (index == 0 ? indent : continuation) + part }
        }.joined(separator: "\n")
    }

    static func context(_ document: CertificateDocument, digest: String) -> [String: Any] {
        let results: [[String: Any]] = document.results.map { result in
            [
                "point": result.point, "quantity": result.quantity, "unit": result.unit, "nominal": result.nominal, "reference": result.reference,
                "mean": result.meanIndication, "error": result.error, "uncertainty": result.expandedUncertainty, "k": result.coverageFactor,
                "p": result.coverageProbability, "mpe": result.mpe ?? "", "decision": result.decision ?? "",
                "line": pad("\(result.point)", 3) + pad(result.nominal, 10) + pad(result.reference, 11) + pad(result.meanIndication, 11)
                    + pad(result.error, 10) + pad(result.expandedUncertainty, 9) + pad(result.coverageFactor, 5) + (result.decision ?? ""),
            ]
        }
        let equipment: [[String: Any]] = document.referenceEquipment.map {
            [
                "assetTag": $0.assetTag, "name": $0.name, "manufacturer": $0.manufacturer, "model": $0.model, "serialNumber": $0.serialNumber,
                "certificate": $0.calibrationCertificate, "calibratedBy": $0.calibratedBy, "dueOn": $0.dueOn, "traceability": $0.traceability,
            ]
        }
        let environment = document.environment.keys.sorted().map { ["name": $0, "value": document.environment[$0] ?? ""] }
        return [
            "number": document.number, "title": document.title, "kind": document.documentKind,
            "isNotice": document.documentKind == "verification-result-notice", "revision": document.revision,
            "supersedes": document.supersedes ?? "", "amendmentReason": document.amendmentReason ?? "", "isAmendment": document.supersedes != nil,
            "labName": document.laboratory.name, "labAddress": document.laboratory.address, "accreditation": document.accreditation,
            "customerName": document.customer.name, "customerAddress": document.customer.address, "orderNumber": document.orderNumber,
            "customerReference": document.customerReference, "instrument": [
                "manufacturer": document.instrument.manufacturer, "model": document.instrument.model,
                "serialNumber": document.instrument.serialNumber, "assetTag": document.instrument.assetTag ?? "",
                "labNumber": document.instrument.labNumber, "condition": document.instrument.conditionOnReceipt,
            ],
            "method": document.method.reference, "serviceTitle": document.method.title, "accredited": document.method.accredited,
            "receivedOn": document.receivedOn, "calibratedOn": document.calibratedOn, "issuedOn": document.issuedOn,
            "validUntil": document.validUntil ?? "", "hasValidUntil": document.validUntil != nil,
            "environment": environment, "results": results, "unit": document.results.first?.unit ?? "",
            "failingPoints": document.failingPoints.map(String.init).joined(separator: ", "), "hasFailingPoints": !document.failingPoints.isEmpty,
            "decisionRule": document.decisionRule ?? "", "hasDecisionRule": document.decisionRule != nil,
            "equipment": equipment,
            "performedBy": document.performedBy.name, "reviewedBy": document.reviewedBy.name, "signedBy": document.signedBy.name,
            "statements": document.statements,
            "statementLines": document.statements.flatMap { PlainText.wrap($0, width: 80) },
            "verifyURL": document.verifyURL,
            "verifyLink": "\(document.verifyURL)?number=\(document.number)&digest=\(digest)", "digest": digest,
        ]
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
