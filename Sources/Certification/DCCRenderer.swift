import Foundation
import Reports

/// Renders a frozen certificate document as a PTB Digital Calibration Certificate, schema 3.1.2 (`dcc.xsd`).
/// Pure and deterministic: the same document gives the same bytes. Units go out in D-SI notation; a value recorded
/// outside the SI is converted with the factor stated beside it. Signing checks every unit first (``unknownUnits(_:)``),
/// so rendering never meets a unit it cannot state.
public enum DCCRenderer {
    public static let mediaType = "application/vnd.ptb.dcc+xml"
    public static let schemaVersion = "3.1.2"

    /// A unit the converter does not know: the DCC cannot state it.
    public struct UnknownUnit: Error, CustomStringConvertible {
        public var point: Int
        public var unit: String
        public var description: String { "point \(point): the unit '\(unit)' has no D-SI conversion" }
    }

    /// The results whose unit the converter does not know, as `(point index, unit)`.
    public static func unknownUnits(_ results: [CertificateDocument.Result]) -> [(index: Int, unit: String)] {
        results.enumerated().compactMap { index, result in DSIUnit.of(result.unit) == nil ? (index, result.unit) : nil }
    }

    public static func render(_ document: CertificateDocument, software: String = "Calibra") throws -> String {
        if let unknown = unknownUnits(document.results).first {
            throw UnknownUnit(point: document.results[unknown.index].point, unit: unknown.unit)
        }
        let language = document.documentLanguage
        var x = XMLWriter()
        x.start("dcc:digitalCalibrationCertificate", [
            ("xmlns:dcc", "https://ptb.de/dcc"), ("xmlns:si", "https://ptb.de/si"), ("schemaVersion", schemaVersion),
        ])
        x.element("dcc:administrativeData") { x in
            x.element("dcc:dccSoftware") { x in
                x.element("dcc:software") { x in
                    plain(&x, "dcc:name", software)
                    x.element("dcc:release", document.schema)
                    x.element("dcc:type", "application")
                }
            }
            x.element("dcc:coreData") { x in
                x.element("dcc:countryCodeISO3166_1", document.laboratory.countryCode ?? "CN")
                for code in language.isoCodes { x.element("dcc:usedLangCodeISO639_1", code) }
                for code in language.isoCodes { x.element("dcc:mandatoryLangCodeISO639_1", code) }
                x.element("dcc:uniqueIdentifier", document.number)
                x.element("dcc:identifications") { x in
                    identification(&x, issuer: "customer", value: document.orderNumber, name: "invoice.order", language)
                    if !document.customerReference.isEmpty {
                        identification(&x, issuer: "customer", value: document.customerReference, name: "invoice.reference", language)
                    }
                }
                x.element("dcc:receiptDate", document.receivedOn)
                x.element("dcc:beginPerformanceDate", document.calibratedOn)
                x.element("dcc:endPerformanceDate", document.calibratedOn)
                x.element("dcc:performanceLocation", "laboratory")
            }
            x.element("dcc:items") { x in
                x.element("dcc:item") { x in
                    localized(&x, "dcc:name", "dcc.item", language, extra: document.instrument.description)
                    x.element("dcc:manufacturer") { x in plain(&x, "dcc:name", document.instrument.manufacturer) }
                    x.element("dcc:model", document.instrument.model)
                    x.element("dcc:identifications") { x in
                        identification(&x, issuer: "manufacturer", value: document.instrument.serialNumber, name: "cert.serialNumber", language)
                        identification(&x, issuer: "calibrationLaboratory", value: document.instrument.labNumber, name: "cert.labNumber", language)
                        if let tag = document.instrument.assetTag, !tag.isEmpty {
                            identification(&x, issuer: "customer", value: tag, name: "cert.assetTag", language)
                        }
                    }
                }
            }
            x.element("dcc:calibrationLaboratory") { x in
                if !document.accreditation.isEmpty { x.element("dcc:calibrationLaboratoryCode", document.accreditation) }
                contact(&x, document.laboratory)
            }
            x.element("dcc:respPersons") { x in
                for (person, key, main) in [
                    (document.performedBy, "cert.performedBy", false), (document.reviewedBy, "cert.reviewedBy", false), (document.signedBy, "cert.signedBy", true),
                ] {
                    x.element("dcc:respPerson") { x in
                        x.element("dcc:person") { x in plain(&x, "dcc:name", person.name) }
                        x.element("dcc:role", DocumentText.text(key, language))
                        if main { x.element("dcc:mainSigner", "true") }
                    }
                }
            }
            x.element("dcc:customer") { x in contactDetails(&x, document.customer) }
            x.element("dcc:statements") { x in statements(&x, document, language) }
        }
        x.element("dcc:measurementResults") { x in
            x.element("dcc:measurementResult") { x in
                localized(&x, "dcc:name", "dcc.results", language, extra: document.method.title)
                x.element("dcc:usedMethods") { x in
                    x.element("dcc:usedMethod", [("refType", "calibra_method")]) { x in
                        plain(&x, "dcc:name", document.method.title)
                        x.element("dcc:norm", document.method.reference)
                    }
                }
                if !document.referenceEquipment.isEmpty {
                    x.element("dcc:measuringEquipments") { x in
                        for standard in document.referenceEquipment { equipment(&x, standard, language) }
                    }
                }
                let conditions = influenceConditions(document)
                if !conditions.isEmpty {
                    x.element("dcc:influenceConditions") { x in
                        for (key, value, unit) in conditions {
                            x.element("dcc:influenceCondition") { x in
                                localized(&x, "dcc:name", key, language)
                                x.element("dcc:data") { x in
                                    x.element("dcc:quantity") { x in real(&x, value: value, unit: unit, uncertainty: nil) }
                                }
                            }
                        }
                    }
                }
                x.element("dcc:results") { x in
                    for result in document.results { point(&x, result, language) }
                }
            }
        }
        x.end()
        return x.xml
    }

    // MARK: - Parts

    static func statements(_ x: inout XMLWriter, _ document: CertificateDocument, _ language: DocumentLanguage) {
        let english = document.statements
        let chinese = document.statementsZh ?? []
        for index in english.indices {
            x.element("dcc:statement") { x in
                x.element("dcc:declaration") { x in
                    for code in language.isoCodes {
                        let text = code == "zh" && index < chinese.count ? chinese[index] : english[index]
                        x.element("dcc:content", text, [("lang", code)])
                    }
                }
            }
        }
        if let rule = document.decisionRule {
            let failed = document.results.contains { $0.decision == "fail" || $0.decision == "conditional-fail" }
            x.element("dcc:statement", [("refType", "basic_conformity")]) { x in
                x.element("dcc:convention", rule)
                x.element("dcc:declaration") { x in
                    for (code, text) in DocumentText.texts("cert.decisionRuleNote", language) { x.element("dcc:content", text, [("lang", code)]) }
                }
                x.element("dcc:conformity", failed ? "fail" : "pass")
            }
        }
        if let validUntil = document.validUntil {
            x.element("dcc:statement", [("refType", "calibra_validUntil")]) { x in
                x.element("dcc:declaration") { x in
                    for (code, text) in DocumentText.texts("dcc.validUntil", language) { x.element("dcc:content", text, [("lang", code)]) }
                }
                x.element("dcc:valid", "true")
                x.element("dcc:date", validUntil)
            }
        }
        if let supersedes = document.supersedes {
            x.element("dcc:statement", [("refType", "calibra_amendment")]) { x in
                x.element("dcc:reference", supersedes)
                x.element("dcc:declaration") { x in
                    let template = DocumentText.texts("cert.amendment", language)
                    for (code, text) in template {
                        let filled = text.replacingOccurrences(of: "{0}", with: supersedes).replacingOccurrences(of: "{1}", with: document.amendmentReason ?? "")
                        x.element("dcc:content", filled, [("lang", code)])
                    }
                }
            }
        }
        let conversions = Set(document.results.compactMap { DSIUnit.of($0.unit)?.conversion }).sorted()
        for conversion in conversions {
            x.element("dcc:statement", [("refType", "calibra_unitConversion")]) { x in
                x.element("dcc:declaration") { x in
                    for (code, text) in DocumentText.texts("dcc.conversion", language) { x.element("dcc:content", "\(text): \(conversion)", [("lang", code)]) }
                }
            }
        }
    }

    static func equipment(_ x: inout XMLWriter, _ standard: CertificateDocument.ReferenceStandard, _ language: DocumentLanguage) {
        x.element("dcc:measuringEquipment", [("refType", "basic_referenceStandard")]) { x in
            plain(&x, "dcc:name", standard.name)
            x.element("dcc:description") { x in
                x.element("dcc:content", "\(standard.calibratedBy); \(standard.traceability); due \(standard.dueOn)")
            }
            x.element("dcc:manufacturer") { x in plain(&x, "dcc:name", standard.manufacturer) }
            x.element("dcc:model", standard.model)
            x.element("dcc:identifications") { x in
                identification(&x, issuer: "manufacturer", value: standard.serialNumber, name: "cert.serialNumber", language)
                identification(&x, issuer: "calibrationLaboratory", value: standard.assetTag, name: "cert.assetTag", language)
                identification(&x, issuer: "other", value: standard.calibrationCertificate, name: "cert.calibrationCertificate", language)
            }
        }
    }

    /// One result per point: nominal, reference, mean indication and error, the error with its expanded uncertainty
    /// and, where conformity is stated, the statement.
    static func point(_ x: inout XMLWriter, _ result: CertificateDocument.Result, _ language: DocumentLanguage) {
        // `render` refused unknown units before writing anything.
        let unit = DSIUnit.of(result.unit) ?? DSIUnit(unit: "\\one", factor: 1, conversion: nil)
        let k = result.coverageFactor
        let p = probability(result.coverageProbability)
        x.element("dcc:result", [("refType", "calibra_point")]) { x in
            x.element("dcc:name") { x in
                for (code, text) in DocumentText.texts("cert.point", language) {
                    x.element("dcc:content", "\(text) \(result.point) (\(result.quantity))", [("lang", code)])
                }
            }
            x.element("dcc:data") { x in
                x.element("dcc:list") { x in
                    for (key, refType, value, withUncertainty) in [
                        ("cert.nominal", "basic_nominalValue", result.nominal, false),
                        ("cert.reference", "basic_referenceValue", result.reference, false),
                        ("cert.mean", "basic_measuredValue", result.meanIndication, false),
                        ("cert.error", "basic_measurementError", result.error, true),
                    ] {
                        x.element("dcc:quantity", [("refType", refType)]) { x in
                            localized(&x, "dcc:name", key, language)
                            real(&x, value: unit.convert(value) ?? value, unit: unit.unit,
                                 uncertainty: withUncertainty ? (unit.convert(result.expandedUncertainty) ?? result.expandedUncertainty, k, p) : nil)
                            if withUncertainty, let decision = result.decision, let conformity = conformity(decision) {
                                x.element("dcc:measurementMetaData") { x in
                                    x.element("dcc:metaData", [("refType", "basic_conformity")]) { x in
                                        x.element("dcc:declaration") { x in
                                            for (code, text) in DocumentText.texts("decision.\(decision)", language) {
                                                x.element("dcc:content", text, [("lang", code)])
                                            }
                                        }
                                        x.element("dcc:conformity", conformity)
                                    }
                                }
                            }
                        }
                    }
                    if let mpe = result.mpe {
                        x.element("dcc:quantity", [("refType", "basic_toleranceLimit")]) { x in
                            localized(&x, "dcc:name", "cert.mpe", language)
                            real(&x, value: unit.convert(mpe) ?? mpe, unit: unit.unit, uncertainty: nil)
                        }
                    }
                }
            }
        }
    }

    static func real(_ x: inout XMLWriter, value: String, unit: String, uncertainty: (String, String, String)?) {
        x.element("si:real") { x in
            x.element("si:value", value)
            x.element("si:unit", unit)
            if let (u, k, p) = uncertainty {
                x.element("si:expandedUnc") { x in
                    x.element("si:uncertainty", u)
                    x.element("si:coverageFactor", k)
                    x.element("si:coverageProbability", p)
                }
            }
        }
    }

    static func contact(_ x: inout XMLWriter, _ party: CertificateDocument.Party) {
        x.element("dcc:contact") { x in contactDetails(&x, party) }
    }

    /// A `contactType`'s content: name, e-mail (empty when none is on record) and the address as recorded.
    static func contactDetails(_ x: inout XMLWriter, _ party: CertificateDocument.Party) {
        plain(&x, "dcc:name", party.name)
        x.element("dcc:eMail", party.email ?? "")
        x.element("dcc:location") { x in
            if let country = party.countryCode { x.element("dcc:countryCode", country) }
            x.element("dcc:further") { x in x.element("dcc:content", party.address) }
        }
    }

    static func identification(_ x: inout XMLWriter, issuer: String, value: String, name key: String, _ language: DocumentLanguage) {
        x.element("dcc:identification") { x in
            x.element("dcc:issuer", issuer)
            x.element("dcc:value", value)
            localized(&x, "dcc:name", key, language)
        }
    }

    /// A textType of recorded text, in no particular language.
    static func plain(_ x: inout XMLWriter, _ name: String, _ text: String) {
        x.element(name) { x in x.element("dcc:content", text) }
    }

    /// A textType of catalogue text in each of the document's languages, with recorded text after it where given.
    static func localized(_ x: inout XMLWriter, _ name: String, _ key: String, _ language: DocumentLanguage, extra: String? = nil) {
        x.element(name) { x in
            for (code, text) in DocumentText.texts(key, language) {
                x.element("dcc:content", extra.map { $0.isEmpty ? text : "\(text): \($0)" } ?? text, [("lang", code)])
            }
        }
    }

    static func influenceConditions(_ document: CertificateDocument) -> [(String, String, String)] {
        var conditions: [(String, String, String)] = []
        if let t = document.environment["Temperature (°C)"] { conditions.append(("dcc.temperature", t, "\\degreecelsius")) }
        if let h = document.environment["Relative humidity (%)"] { conditions.append(("dcc.humidity", h, "\\percent")) }
        return conditions
    }

    /// `"95.45 %"` → `"0.9545"`, the D-SI probability in [0, 1].
    static func probability(_ text: String) -> String {
        let digits = text.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)
        guard var percent = Decimal(string: digits, locale: Locale(identifier: "en_US_POSIX")) else { return text }
        var fraction = Decimal()
        var hundred = Decimal(100)
        NSDecimalDivide(&fraction, &percent, &hundred, .plain)
        return "\(fraction)"
    }

    /// Calibra's decisions in the DCC's vocabulary.
    static func conformity(_ decision: String) -> String? {
        switch decision {
        case "pass": "pass"
        case "fail": "fail"
        case "conditional-pass": "conditionalPass"
        case "conditional-fail": "conditionalFail"
        default: nil
        }
    }
}
