import Foundation
import LIMSCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads what a calibration record takes from a provider's Digital Calibration Certificate (PTB DCC, `https://ptb.de/dcc`):
/// the certificate number (`coreData/uniqueIdentifier`), the calibrating lab (`calibrationLaboratory/contact/name`), the
/// end-of-performance date and the traceability (statements marked traceable or about traceability, and the reference
/// standards the provider used, with their identifications). Parsed with Foundation's XML parser (libxml2), namespace-aware.
public struct DCCReader {
    public static let namespace = "https://ptb.de/dcc"

    public struct Facts: Sendable, Equatable {
        public var certificateNumber: String
        public var calibratedBy: String
        public var calibratedOn: String
        public var traceability: String
    }

    /// The facts, or a 422 naming everything wrong: not well-formed XML, not a DCC, or a DCC without the elements needed.
    public static func read(_ data: Data) throws -> Facts {
        let delegate = Collector()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let parsed = parser.parse()
        guard parsed, delegate.failure == nil else {
            let reason = delegate.failure ?? parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw Problem(
                status: .unprocessableContent, title: "Not well-formed XML", detail: "The body is not well-formed XML.",
                errors: [FieldIssue(field: "body", message: "is not well-formed XML (line \(parser.lineNumber)): \(reason)")]
            )
        }
        guard delegate.rootIsDCC else {
            throw Problem(
                status: .unprocessableContent, title: "Not a DCC", detail: "The XML is not a Digital Calibration Certificate.",
                errors: [FieldIssue(field: "body", message: "the root element is not dcc:digitalCalibrationCertificate in the namespace \(namespace)")]
            )
        }
        var issues: [FieldIssue] = []
        let number = delegate.first("administrativeData/coreData/uniqueIdentifier")
        if number == nil { issues.append(.init(field: "administrativeData.coreData.uniqueIdentifier", message: "is missing: the certificate number")) }
        let lab = delegate.first("administrativeData/calibrationLaboratory/contact/name/content")
        if lab == nil { issues.append(.init(field: "administrativeData.calibrationLaboratory.contact.name", message: "is missing: the calibrating lab")) }
        let end = delegate.first("administrativeData/coreData/endPerformanceDate")
        if end == nil {
            issues.append(.init(field: "administrativeData.coreData.endPerformanceDate", message: "is missing: the date of the calibration"))
        } else if let end, DateFormats.parseDay(end) == nil {
            issues.append(.init(field: "administrativeData.coreData.endPerformanceDate", message: "must be a date YYYY-MM-DD"))
        }
        let traceability = delegate.traceability()
        if traceability.isEmpty {
            issues.append(.init(
                field: "measurementResults.measurementResult.measuringEquipments",
                message: "the DCC states no traceability: no traceability statement and no reference standard"
            ))
        }
        guard issues.isEmpty, let number, let lab, let end else {
            throw Problem(
                status: .unprocessableContent, title: "Incomplete DCC", detail: "The DCC lacks what a calibration record needs.", errors: issues
            )
        }
        return Facts(certificateNumber: number, calibratedBy: lab, calibratedOn: end, traceability: String(traceability.prefix(1000)))
    }

    /// Collects the text of DCC elements by their path below the root (local names joined with `/`).
    final class Collector: NSObject, XMLParserDelegate {
        var stack: [String] = []
        var depth = 0
        var rootIsDCC = false
        var texts: [(path: String, text: String)] = []
        var text = ""
        var failure: String?
        /// Each measuring equipment's name and identification values; each traceability statement.
        var equipment: [(name: String, ids: [String])] = []
        var statements: [String] = []
        var statementIsTraceability: [Bool] = []

        func first(_ path: String) -> String? {
            texts.first { $0.path == path && !$0.text.isEmpty }?.text
        }

        func traceability() -> String {
            var parts = statements
            for item in equipment where !item.name.isEmpty {
                parts.append(item.ids.isEmpty ? item.name : "\(item.name) (\(item.ids.joined(separator: ", ")))")
            }
            return parts.joined(separator: "; ")
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            depth += 1
            if depth == 1 {
                rootIsDCC = name == "digitalCalibrationCertificate" && namespaceURI == DCCReader.namespace
                return
            }
            guard rootIsDCC, namespaceURI == DCCReader.namespace || namespaceURI == "https://ptb.de/si" else {
                stack.append("?")
                return
            }
            stack.append(name)
            text = ""
            let path = stack.joined(separator: "/")
            if path.hasSuffix("measuringEquipments/measuringEquipment") { equipment.append(("", [])) }
            if path == "administrativeData/statements/statement" {
                let refType = (attributes["refType"] ?? "").lowercased()
                statementIsTraceability.append(refType.contains("traceab"))
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer { depth -= 1 }
            guard depth > 1, !stack.isEmpty else { return }
            let path = stack.joined(separator: "/")
            let value = text.trimmed()
            if !value.isEmpty { texts.append((path, value)) }
            if path.hasSuffix("measuringEquipments/measuringEquipment/name/content"), !equipment.isEmpty, equipment[equipment.count - 1].name.isEmpty {
                equipment[equipment.count - 1].name = value
            }
            if path.hasSuffix("measuringEquipments/measuringEquipment/identifications/identification/value"), !equipment.isEmpty, !value.isEmpty {
                equipment[equipment.count - 1].ids.append(value)
            }
            if path == "administrativeData/statements/statement/traceable", value == "true", !statementIsTraceability.isEmpty {
                statementIsTraceability[statementIsTraceability.count - 1] = true
            }
            if path == "administrativeData/statements/statement/declaration/content", statementIsTraceability.last == true, !value.isEmpty {
                statements.append(value)
            }
            text = ""
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if failure == nil { failure = "\(parseError)" }
        }
    }
}
