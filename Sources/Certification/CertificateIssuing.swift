import Accounts
import Crypto
import Foundation
import LIMSCore
import Orders
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

    func document(
        number: String, revision: Int, supersedes: String?, reason: String?, job: Job, record: MeasurementRecord, reviewerId: UUID,
        signer: StaffPrincipal, on connection: PostgresConnection
    ) async throws -> CertificateDocument {
        guard let order = try await dependencies.orders.order(id: job.orderId, on: connection),
              let item = order.items.first(where: { $0.id == job.itemId }),
              let service = try await dependencies.catalogue.service(code: job.serviceCode, on: connection),
              let customer = try await dependencies.customers.find(id: job.customerId, on: connection)
        else { throw Problem.notFound("The job's order") }
        let receipt = try await dependencies.receipt(job.itemId, connection)
        let performer = try await dependencies.staff.find(id: record.performerId, on: connection)
        let reviewer = try await dependencies.staff.find(id: reviewerId, on: connection)
        var references: [CertificateDocument.ReferenceStandard] = []
        for id in record.equipmentIds {
            guard let equipment = try await dependencies.equipment.find(id: id, on: connection), let calibration = equipment.latestCalibration else { continue }
            references.append(.init(
                assetTag: equipment.assetTag, name: equipment.name, manufacturer: equipment.manufacturer, model: equipment.model,
                serialNumber: equipment.serialNumber, calibrationCertificate: calibration.certificateNumber, calibratedBy: calibration.calibratedBy,
                dueOn: calibration.dueOn, traceability: calibration.traceability
            ))
        }
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
        if service.kind == .verification {
            if failing.isEmpty {
                kind = "verification-certificate"
                title = "Verification Certificate"
                validUntil = Self.adding(months: service.verificationPeriodMonths ?? 12, to: record.measuredOn)
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
        return CertificateDocument(
            schema: "calibra.certificate/1", number: number, revision: revision, supersedes: supersedes, amendmentReason: reason,
            documentKind: kind, title: title,
            laboratory: .init(name: dependencies.laboratory.name, address: dependencies.laboratory.address),
            accreditation: dependencies.laboratory.accreditation,
            customer: .init(name: customer.name, address: customer.address), orderNumber: order.number, customerReference: order.customerReference,
            instrument: .init(
                manufacturer: item.instrument.manufacturer, model: item.instrument.model, serialNumber: item.instrument.serialNumber,
                assetTag: item.instrument.assetTag, description: item.instrument.description, labNumber: receipt?.labNumber ?? "",
                conditionOnReceipt: receipt?.condition ?? "ok"
            ),
            method: .init(serviceCode: service.code, title: service.title, reference: service.method, accredited: service.accredited,
                          quantity: service.quantity, range: service.range),
            receivedOn: receipt?.receivedOn ?? record.measuredOn, calibratedOn: record.measuredOn, issuedOn: DateFormats.formatDay(Date()),
            validUntil: validUntil, environment: environment, results: results, failingPoints: kind == "verification-result-notice" ? failing : [],
            decisionRule: statesConformity ? "\(service.decisionRule.rawValue) acceptance (ILAC-G8:09/2019)" : nil,
            referenceEquipment: references,
            performedBy: .init(name: performer?.name ?? "", role: "Performed by (technician)"),
            reviewedBy: .init(name: reviewer?.name ?? "", role: "Reviewed by"),
            signedBy: .init(name: signer.name, role: "Approved and signed by (authorised signatory)"),
            statements: Self.statements, verifyURL: "\(dependencies.publicBaseURL)/v1/certificates/verify"
        )
    }

    /// Digests, signs, renders and stores the document; returns the certificate as the API shows it.
    func store(
        _ document: CertificateDocument, baseNumber: String, supersedes: UUID?, job: Job, signer: StaffPrincipal, key: SigningKey,
        on connection: PostgresConnection
    ) async throws -> Certificate {
        let canonical = try document.canonicalJSON()
        let digest = SHA256.hash(data: canonical).hex
        let signature = try key.sign(digestHex: digest)
        let rendered = try CertificateRenderer(renderer: dependencies.renderer).render(document, digest: digest)
        let rows = try await connection.query(
            """
            INSERT INTO certificates (number, base_number, revision, supersedes, job_id, item_id, order_id, customer_id, document_kind, document,
                                      canonical, digest, signature, html, plain_text, issued_by, amendment_reason)
            VALUES (\(document.number), \(baseNumber), \(document.revision), \(supersedes), \(job.id), \(job.itemId), \(job.orderId), \(job.customerId),
                    \(document.documentKind), \(try JSONValue(encoding: document)), \(String(decoding: canonical, as: UTF8.self)), \(digest), \(signature),
                    \(rendered.html), \(rendered.text), \(signer.id), \(document.amendmentReason))
            RETURNING id, issued_at
            """,
            logger: logger
        )
        for try await (id, issuedAt) in rows.decode((UUID, Date).self) {
            return Certificate(
                id: id, number: document.number, revision: document.revision, status: "issued", supersedes: supersedes, supersededBy: nil,
                jobId: job.id, itemId: job.itemId, orderId: job.orderId, customerId: job.customerId, documentKind: document.documentKind,
                issuedAt: issuedAt, document: document, digest: digest, signature: signature
            )
        }
        throw Problem.conflict("The certificate was not stored.")
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

import Logging
