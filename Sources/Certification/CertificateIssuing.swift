import Crypto
import Foundation
import LIMSCore
import Logging
import Reports
import PostgresNIO
import Scheduling

/// Builds a certificate's frozen document from the records, and stores it digested, signed and rendered.
struct CertificateIssuing: Sendable {
    let dependencies: CertificationDependencies
    var logger: Logger { dependencies.database.logger }

    static let statements = [
        "The results relate only to the item calibrated.",
        "The expanded uncertainty is the standard uncertainty multiplied by the coverage factor k for the stated coverage probability, evaluated per JCGM 100:2008 (GUM).",
        "This certificate shall not be reproduced except in full without the written approval of the laboratory.",
    ]

    /// ``statements`` in Simplified Chinese, in the same order.
    static let statementsZh = [
        "本证书结果仅对所校准/检定的器具有效。",
        "扩展不确定度为标准不确定度乘以所述包含概率下的包含因子 k，按 JCGM 100:2008（GUM）评定。",
        "未经实验室书面批准，不得部分复制本证书。",
    ]

    /// The schema of certificates signed from now on: adds the language, the content digest and the documents' digests.
    static let schema = "calibra.certificate/2"

    /// Everything a certificate states that comes from records, gathered and checked before a number is taken.
    struct Facts: Sendable {
        var item: CertificationFacts.OrderedItem
        var service: CertificationFacts.Service
        var customer: CertificationFacts.Customer
        var labNumber: String
        var receivedOn: String
        var condition: String
        var performer: String
        var reviewer: String
        var references: [CertificateDocument.ReferenceStandard]
    }

    /// Reads every fact the certificate must carry. Any that is missing or invalid (an unknown or uncalibrated
    /// reference standard, a receipt without its date, …) refuses the signing with a 409 naming each of them:
    /// a certificate never states a fact nobody recorded.
    func facts(job: Job, record: MeasurementRecord, reviewerId: UUID, on connection: PostgresConnection) async throws -> Facts {
        var missing = Validator()
        let facts = dependencies.facts
        let item = try await facts.orderedItem(job.orderId, job.itemId, connection)
        missing.check(item != nil, "item", "the job's ordered item is not on record")
        let service = try await facts.service(job.serviceCode, connection)
        missing.check(service != nil, "service", "the service \(job.serviceCode) is not in the catalogue")
        if let service, service.isVerification {
            missing.check(service.verificationPeriodMonths != nil, "service.verificationPeriodMonths", "is not on record for \(service.code)")
        }
        let customer = try await facts.customer(job.customerId, connection)
        if let customer {
            missing.check(!customer.name.isBlank, "customer.name", "is not on record")
            missing.check(!customer.address.isBlank, "customer.address", "is not on record")
        } else {
            missing.add("customer", "the job's customer is not on record")
        }
        let receipt = try await dependencies.receipt(job.itemId, connection)
        let labNumber = receipt?.labNumber, receivedOn = receipt?.receivedOn, condition = receipt?.condition
        missing.check(!(labNumber ?? "").isBlank, "item.labNumber", "the item has no lab number: it was never received")
        missing.check(receivedOn.flatMap(DateFormats.parseDay) != nil, "item.receivedAt", "the item's receipt date is not on record")
        missing.check(!(condition ?? "").isBlank, "item.conditionOnReceipt", "the item's condition on receipt is not on record")
        let performer = try await facts.staffName(record.performerId, connection)
        missing.check(!(performer ?? "").isBlank, "performedBy", "the technician \(record.performerId) is not on record")
        let reviewer = try await facts.staffName(reviewerId, connection)
        missing.check(!(reviewer ?? "").isBlank, "reviewedBy", "the reviewer \(reviewerId) is not on record")
        let measuredOn = DateFormats.parseDay(record.measuredOn)
        missing.check(measuredOn != nil, "calibratedOn", "the measurement date '\(record.measuredOn)' is not a date")
        missing.check(record.environment.temperatureC?.text != nil, "environment.temperatureC", "is not on record")
        missing.check(record.environment.relativeHumidityPct?.text != nil, "environment.relativeHumidityPct", "is not on record")
        missing.check(!record.points.isEmpty, "results", "the measurement record has no points")
        for (index, point) in record.points.enumerated() where DSIUnit.of(point.unit) == nil {
            missing.add("points[\(index)].unit", "the unit '\(point.unit)' has no D-SI conversion, so the Digital Calibration Certificate cannot state it")
        }
        missing.check(!record.equipmentIds.isEmpty, "equipment", "no reference standard is cited")
        var references: [CertificateDocument.ReferenceStandard] = []
        for id in record.equipmentIds {
            guard let equipment = try await dependencies.equipment.find(id: id, history: true, on: connection) else {
                missing.add("equipment[\(id.uuidString.lowercased())]", "the cited reference standard is not registered")
                continue
            }
            // The calibration in force on the measurement date, not whichever is latest now.
            let day = record.measuredOn
            guard measuredOn != nil, let calibration = (equipment.calibrations ?? []).first(where: { $0.calibratedOn <= day && day <= $0.dueOn })
            else {
                missing.add("equipment[\(equipment.assetTag)].calibration", "has no calibration on record that covers the measurement date \(day)")
                continue
            }
            references.append(.init(
                assetTag: equipment.assetTag, name: equipment.name, manufacturer: equipment.manufacturer, model: equipment.model,
                serialNumber: equipment.serialNumber, calibrationCertificate: calibration.certificateNumber, calibratedBy: calibration.calibratedBy,
                dueOn: calibration.dueOn, traceability: calibration.traceability
            ))
        }
        if missing.issues.isEmpty, let item, let service, let customer, let labNumber, let receivedOn, let condition, let performer, let reviewer {
            return Facts(
                item: item, service: service, customer: customer, labNumber: labNumber, receivedOn: receivedOn, condition: condition,
                performer: performer, reviewer: reviewer, references: references
            )
        }
        throw Problem(
            status: .conflict, title: "Certificate facts missing",
            detail: "The certificate cannot be signed: \(missing.issues.count) fact(s) it must state are missing or invalid.",
            errors: missing.issues
        )
    }

    func document(
        number: String, revision: Int, supersedes: String?, reason: String?, record: MeasurementRecord, facts: Facts, signer: StaffPrincipal
    ) -> CertificateDocument {
        let item = facts.item
        let service = facts.service
        let results = record.points.enumerated().map { index, point in
            CertificateDocument.Result(
                point: index + 1, quantity: point.quantity, unit: point.unit, nominal: point.nominal, reference: point.reference,
                meanIndication: point.meanIndication, error: point.error, expandedUncertainty: point.reportedUncertainty,
                coverageFactor: String(format: "%.2f", point.coverageFactor), coverageProbability: String(format: "%.2f %%", point.coverageProbability * 100),
                mpe: point.mpe, decision: point.decision
            )
        }
        let failing = results.filter { $0.decision == "fail" || $0.decision == "conditional-fail" }.map(\.point)
        let statesConformity = results.contains { $0.decision != nil }
        let kind: String
        let title: String
        var validUntil: String?
        if service.isVerification {
            if failing.isEmpty {
                kind = "verification-certificate"
                title = "Verification Certificate"
                // `facts` checked the period and the measurement date, so this is never nil.
                validUntil = service.verificationPeriodMonths.flatMap { Self.adding(months: $0, to: record.measuredOn) }
            } else {
                kind = "verification-result-notice"
                title = "Verification Result Notice"
            }
        } else {
            kind = "calibration-certificate"
            title = "Calibration Certificate"
        }
        var environment: [String: String] = [:]
        if let t = record.environment.temperatureC?.text { environment["Temperature (°C)"] = t }
        if let h = record.environment.relativeHumidityPct?.text { environment["Relative humidity (%)"] = h }
        let language = DocumentLanguage(rawValue: facts.customer.documentLanguage) ?? .en
        return CertificateDocument(
            schema: Self.schema, number: number, revision: revision, supersedes: supersedes, amendmentReason: reason,
            documentKind: kind, title: title,
            laboratory: .init(name: dependencies.laboratory.name, address: dependencies.laboratory.address, countryCode: dependencies.laboratoryCountry),
            accreditation: dependencies.laboratory.accreditation,
            customer: .init(name: facts.customer.name, address: facts.customer.address, email: facts.customer.email), orderNumber: item.orderNumber,
            customerReference: item.customerReference,
            instrument: .init(
                manufacturer: item.manufacturer, model: item.model, serialNumber: item.serialNumber,
                assetTag: item.assetTag, description: item.description, labNumber: facts.labNumber, conditionOnReceipt: facts.condition
            ),
            method: .init(serviceCode: service.code, title: service.title, reference: service.method, accredited: service.accredited,
                          quantity: service.quantity, range: service.range),
            receivedOn: facts.receivedOn, calibratedOn: record.measuredOn, issuedOn: DateFormats.formatDay(Date()),
            validUntil: validUntil, environment: environment, results: results, failingPoints: kind == "verification-result-notice" ? failing : [],
            decisionRule: statesConformity ? "\(service.decisionRule.rawValue) acceptance (ILAC-G8:09/2019)" : nil,
            referenceEquipment: facts.references,
            performedBy: .init(name: facts.performer, role: "Performed by (technician)"),
            reviewedBy: .init(name: facts.reviewer, role: "Reviewed by"),
            signedBy: .init(name: signer.name, role: "Approved and signed by (authorised signatory)"),
            statements: Self.statements, verifyURL: "\(dependencies.publicBaseURL)/v1/certificates/verify",
            language: language.rawValue, statementsZh: language == .en ? nil : Self.statementsZh
        )
    }

    /// Digests, signs, renders and stores the document; returns the certificate as the API shows it.
    func store(
        _ document: CertificateDocument, baseNumber: String, supersedes: UUID?, job: Job, signer: StaffPrincipal, key: SigningKey,
        on connection: PostgresConnection
    ) async throws -> Certificate {
        // The documents print the content digest (they cannot carry their own); the signed content adds their digests.
        var document = upgraded(document)
        document.contentDigest = nil
        document.documents = nil
        document.contentDigest = SHA256.hash(data: try document.canonicalJSON()).hex
        let rendered = try CertificateRenderer(renderer: dependencies.renderer).renderAll(document)
        document.documents = .init(
            html: SHA256.hash(data: Data(rendered.html.utf8)).hex, text: SHA256.hash(data: Data(rendered.text.utf8)).hex,
            dcc: SHA256.hash(data: Data(rendered.dcc.utf8)).hex
        )
        let canonical = try document.canonicalJSON()
        let digest = SHA256.hash(data: canonical).hex
        let signature = try key.sign(digestHex: digest)
        let rows = try await connection.query(
            """
            INSERT INTO certificates (number, base_number, revision, supersedes, job_id, item_id, order_id, customer_id, document_kind, document,
                                      canonical, digest, signature, html, plain_text, dcc, issued_by, amendment_reason)
            VALUES (\(document.number), \(baseNumber), \(document.revision), \(supersedes), \(job.id), \(job.itemId), \(job.orderId), \(job.customerId),
                    \(document.documentKind), \(try JSONValue(encoding: document)), \(String(decoding: canonical, as: UTF8.self)), \(digest), \(signature),
                    \(rendered.html), \(rendered.text), \(rendered.dcc), \(signer.id), \(document.amendmentReason))
            RETURNING id, issued_at
            """,
            logger: logger
        )
        for try await (id, issuedAt) in rows.decode((UUID, Date).self) {
            return Certificate(
                id: id, number: document.number, revision: document.revision, status: "issued", supersedes: supersedes, supersededBy: nil,
                jobId: job.id, itemId: job.itemId, orderId: job.orderId, customerId: job.customerId, documentKind: document.documentKind,
                issuedAt: issuedAt, document: document, digest: digest, signature: signature, documents: document.documents
            )
        }
        throw Problem.conflict("The certificate was not stored.")
    }

    /// An amendment of a certificate signed before schema 2 is a new document: it gets schema 2, in English (the
    /// language the original was issued in) with the lab's country.
    func upgraded(_ document: CertificateDocument) -> CertificateDocument {
        guard document.schema != Self.schema else { return document }
        var document = document
        document.schema = Self.schema
        document.language = document.language ?? DocumentLanguage.en.rawValue
        document.laboratory.countryCode = document.laboratory.countryCode ?? dependencies.laboratoryCountry
        return document
    }

    static func adding(months: Int, to day: String) -> String? {
        guard let date = DateFormats.parseDay(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let later = calendar.date(byAdding: .month, value: months, to: date), let end = calendar.date(byAdding: .day, value: -1, to: later) else {
            return nil
        }
        return DateFormats.formatDay(end)
    }
}


extension String {
    /// Empty or only whitespace: a recorded text that states nothing.
    var isBlank: Bool { trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
}
