import Foundation
import LIMSCore
import Reports

/// Renders a frozen certificate document to HTML, to 80-column text and (schema 2) to a DCC. Pure: the same document
/// and digest always give the same bytes, which is what lets a test re-render a stored certificate and compare. Fixed
/// text comes from ``DocumentText`` in the document's frozen language; the text form measures East Asian width.
struct CertificateRenderer: Sendable {
    let renderer: ReportRenderer

    /// `digest` is the one the page prints: the content digest for schema 2, the signed digest before.
    func render(_ document: CertificateDocument, digest: String) throws -> (html: String, text: String) {
        let context = Self.context(document, digest: digest)
        return (try renderer.render("certificate.html", context), Self.fitTo80Columns(try renderer.render("certificate.txt", context)))
    }

    /// The three documents of a schema-2 certificate, as they were rendered and digested at signing.
    func renderAll(_ document: CertificateDocument) throws -> (html: String, text: String, dcc: String) {
        let (html, text) = try render(document, digest: document.contentDigest ?? "")
        do {
            return (html, text, try DCCRenderer.render(document))
        } catch let unknown as DCCRenderer.UnknownUnit {
            throw Problem(
                status: .conflict, title: "Certificate facts missing", detail: "The Digital Calibration Certificate cannot state a unit.",
                errors: [.init(field: "points[\(unknown.point - 1)].unit", message: unknown.description)]
            )
        }
    }

    /// Wraps any line a long value (an address, a traceability statement) pushed past 80 columns, keeping
    /// its indentation, so the text form reads in any terminal (Chinese characters count two columns).
    static func fitTo80Columns(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            guard DisplayWidth.of(line) > 80 else { return [String(line)] }
            let indent = String(line.prefix { $0 == " " })
            let continuation = indent + "  "
            let wrapped = DisplayWidth.wrap(String(line.dropFirst(indent.count)), columns: 80 - continuation.count)
            return wrapped.enumerated().map { index, part in (index == 0 ? indent : continuation) + part }
        }.joined(separator: "\n")
    }

    static func context(_ document: CertificateDocument, digest: String) -> [String: Any] {
        let language = document.documentLanguage
        func t(_ key: String) -> String { DocumentText.text(key, language) }
        var labels: [String: String] = [:]
        for key in DocumentText.catalogue.keys where key.hasPrefix("cert.") { labels[String(key.dropFirst(5))] = t(key) }
        let decision: (String?) -> String = { $0.map { t("decision.\($0)") } ?? "" }
        let results: [[String: Any]] = document.results.map { result in
            [
                "point": result.point, "quantity": result.quantity, "unit": result.unit, "nominal": result.nominal, "reference": result.reference,
                "mean": result.meanIndication, "error": result.error, "uncertainty": result.expandedUncertainty, "k": result.coverageFactor,
                "p": result.coverageProbability, "mpe": result.mpe ?? "", "decision": decision(result.decision),
                "line": row(["\(result.point)", result.nominal, result.reference, result.meanIndication, result.error, result.expandedUncertainty,
                             result.coverageFactor, decision(result.decision)]),
            ]
        }
        let equipment: [[String: Any]] = document.referenceEquipment.map {
            [
                "assetTag": $0.assetTag, "name": $0.name, "manufacturer": $0.manufacturer, "model": $0.model, "serialNumber": $0.serialNumber,
                "certificate": $0.calibrationCertificate, "calibratedBy": $0.calibratedBy, "dueOn": $0.dueOn, "traceability": $0.traceability,
            ]
        }
        let environmentKeys = ["Temperature (°C)": "cert.temperature", "Relative humidity (%)": "cert.humidity"]
        let environment = document.environment.keys.sorted().map { ["name": environmentKeys[$0].map(t) ?? $0, "value": document.environment[$0] ?? ""] }
        var statements: [String]
        switch language {
        case .en: statements = document.statements
        case .zhHans: statements = document.statementsZh ?? document.statements
        case .bilingual: statements = (document.statementsZh ?? []) + document.statements
        }
        let isVerification = document.documentKind != "calibration-certificate"
        let instrument = "\(document.instrument.manufacturer) \(document.instrument.model)"
        var facts: [(String, String)] = [
            (t("cert.customer"), document.customer.name), ("", document.customer.address),
            (t("cert.orderReference"), "\(document.orderNumber) / \(document.customerReference)"),
            (t("cert.instrument"), instrument), (t("cert.serialNumber"), document.instrument.serialNumber),
        ]
        if let tag = document.instrument.assetTag, !tag.isEmpty { facts.append((t("cert.assetTag"), tag)) }
        facts += [
            (t("cert.labNumber"), document.instrument.labNumber), (t("cert.condition"), document.instrument.conditionOnReceipt),
            (t("cert.method"), document.method.reference), (t("cert.receivedOn"), document.receivedOn),
            (t(isVerification ? "cert.verifiedOn" : "cert.calibratedOn"), document.calibratedOn), (t("cert.issuedOn"), document.issuedOn),
        ]
        if let validUntil = document.validUntil { facts.append((t("cert.validUntil"), validUntil)) }
        let people = [(t("cert.performedBy"), document.performedBy.name), (t("cert.reviewedBy"), document.reviewedBy.name),
                      (t("cert.signedBy"), document.signedBy.name)]
        let fill: (String) -> String = {
            $0.replacingOccurrences(of: "{0}", with: document.supersedes ?? "").replacingOccurrences(of: "{1}", with: document.amendmentReason ?? "")
        }
        let headerRows: [[String]] = language.isoCodes.map { code in
            let lang: DocumentLanguage = code == "zh" ? .zhHans : .en
            return ["#", "cert.nominal", "cert.reference", "cert.mean", "cert.error", "U", "k", "cert.statement"].map {
                $0.hasPrefix("cert.") ? (lang == .en && $0 == "cert.mean" ? "Mean" : DocumentText.text($0, lang)) : $0
            }
        }
        return [
            "htmlLang": language.htmlLang, "l": labels,
            "number": document.number, "title": t("title.\(document.documentKind)"), "kind": document.documentKind,
            "isNotice": document.documentKind == "verification-result-notice", "revision": document.revision,
            "supersedes": document.supersedes ?? "", "amendmentReason": document.amendmentReason ?? "", "isAmendment": document.supersedes != nil,
            "amendmentText": fill(t("cert.amendment")),
            "labName": document.laboratory.name, "labAddress": document.laboratory.address, "accreditation": document.accreditation,
            "customerName": document.customer.name, "customerAddress": document.customer.address, "orderNumber": document.orderNumber,
            "customerReference": document.customerReference, "instrument": [
                "manufacturer": document.instrument.manufacturer, "model": document.instrument.model,
                "serialNumber": document.instrument.serialNumber, "assetTag": document.instrument.assetTag ?? "",
                "labNumber": document.instrument.labNumber, "condition": document.instrument.conditionOnReceipt,
            ],
            "method": document.method.reference, "serviceTitle": document.method.title, "accredited": document.method.accredited,
            "receivedOn": document.receivedOn, "calibratedOn": document.calibratedOn, "issuedOn": document.issuedOn,
            "dateOfWork": t(isVerification ? "cert.verifiedOn" : "cert.calibratedOn"),
            "validUntil": document.validUntil ?? "", "hasValidUntil": document.validUntil != nil,
            "environment": environment, "results": results, "unit": document.results.first?.unit ?? "",
            "failingPoints": document.failingPoints.map(String.init).joined(separator: ", "), "hasFailingPoints": !document.failingPoints.isEmpty,
            "failingText": t("cert.failing").replacingOccurrences(of: "{0}", with: document.failingPoints.map(String.init).joined(separator: ", ")),
            "decisionRule": document.decisionRule ?? "", "hasDecisionRule": document.decisionRule != nil,
            "equipment": equipment,
            "performedBy": document.performedBy.name, "reviewedBy": document.reviewedBy.name, "signedBy": document.signedBy.name,
            "statements": statements,
            "statementLines": statements.flatMap { DisplayWidth.wrap($0, columns: 80) },
            "factLines": aligned(facts), "peopleLines": aligned(people),
            "headerLines": headerRows.map(row), "uncertaintyNoteLines": DisplayWidth.wrap(t("cert.uncertaintyNote"), columns: 80),
            "hasAssetTag": document.instrument.assetTag?.isEmpty == false, "endLine": endLine("\(t("cert.end")) \(document.number)"),
            "verifyURL": document.verifyURL,
            "verifyLink": "\(document.verifyURL)?number=\(document.number)&digest=\(digest)", "digest": digest,
        ]
    }

    /// `------------------- End of certificate N -------------------`, with shorter rules where a longer (bilingual) text needs
    /// the room, so the end mark stays on one line of 80 columns.
    static func endLine(_ text: String) -> String {
        let side = max(3, min(19, (80 - DisplayWidth.of(text) - 2) / 2))
        let rule = String(repeating: "-", count: side)
        return "\(rule) \(text) \(rule)"
    }

    /// The result table's column starts (display columns): `#`, nominal, reference, mean, error, U, k, statement.
    static let columns = [4, 10, 11, 11, 10, 9, 5]

    static func row(_ cells: [String]) -> String {
        zip(cells, columns).map { DisplayWidth.pad($0, $1) }.joined() + (cells.count > columns.count ? cells[columns.count] : "")
    }

    /// `label: value` lines whose values all start in one display column.
    static func aligned(_ facts: [(String, String)]) -> [String] {
        let width = (facts.map { DisplayWidth.of($0.0) }.max() ?? 0) + 2
        return facts.map { label, value in DisplayWidth.pad(label.isEmpty ? "" : label + ":", width) + value }
    }

    static func pad(_ text: String, _ width: Int) -> String { DisplayWidth.pad(text, width) }
}
