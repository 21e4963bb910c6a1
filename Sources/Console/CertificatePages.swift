import Certification
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/console/certificates`: search by number, customer and serial number; a certificate's page with its results,
/// its stored HTML and text, its verification link and, for a signatory, `Amend`.
struct CertificatePages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/certificates/index", "console/certificates/show"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("certificates", use: index)
        group.get("certificates/{id}", use: show)
        group.get("certificates/{id}/document.html", use: html)
        group.get("certificates/{id}/document.txt", use: text)
        group.get("certificates/{id}/document.dcc.xml", use: dcc)
        group.post("certificates/{id}/amend", use: amend)
    }

    struct Row {
        var href: String
        var number: String
        var kind: String
        var customer: String
        var instrument: String
        var issued: String
        var superseded: Bool
    }

    struct IndexModel {
        var number: String
        var customer: String
        var serial: String
        var rows: [Row]
        var searched: Bool
        var nextHref: String?
    }

    func index(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? {
            query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty || $0.count > 200 ? nil : $0 }
        }
        let number = value("number")
        let customer = value("customer")
        let serial = value("serial")
        let page = (try? PageRequest(query: ["cursor": query["cursor"].map(String.init) ?? ""])) ?? PageRequest()
        let found = try await services.certificates.search(number: number, customerName: customer, serialNumber: serial, page: page)
        let rows = found.items.map { certificate in
            Row(
                href: "/console/certificates/\(certificate.id.uuidString.lowercased())", number: certificate.number,
                kind: display.status("documentKind", certificate.documentKind), customer: certificate.document.customer.name,
                instrument: "\(certificate.document.instrument.manufacturer) \(certificate.document.instrument.model) · \(certificate.document.instrument.serialNumber)",
                issued: display.time(certificate.issuedAt), superseded: certificate.supersededBy != nil
            )
        }
        var next: String?
        if let cursor = found.nextCursor {
            let encode = { (text: String?) in (text ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
            next = "/console/certificates?number=\(encode(number))&customer=\(encode(customer))&serial=\(encode(serial))&cursor=\(cursor)"
        }
        let model = IndexModel(
            number: number ?? "", customer: customer ?? "", serial: serial ?? "", rows: rows, searched: number != nil || customer != nil || serial != nil,
            nextHref: next
        )
        return try area.page("console/certificates/index", titleKey: "certificates.title", model: model, request: request, context: context.root)
    }


    struct ResultRow {
        var point: Int
        var nominal: String
        var reference: String
        var mean: String
        var error: String
        var uncertainty: String
        var decision: String
    }

    struct ShowModel {
        var id: String
        var number: String
        var facts: [Fact]
        var results: [ResultRow]
        var statusText: String
        var superseded: Bool
        var verifyHref: String
        /// Certificates signed since DCC export have a Digital Calibration Certificate to download.
        var hasDCC: Bool
        var canAmend: Bool
        var reason: FormField
        var manufacturer: FormField
        var model: FormField
        var serialNumber: FormField
        var assetTag: FormField
        var errors: [SummaryError]
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, id: try context.uuid(), values: [:], problems: [:])
    }

    func render(
        _ request: Request, context: ConsoleContext, id: UUID, values: [String: String], problems: [String: String], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        let stored = try await services.certificates.find(id: id, scope: nil)
        let certificate = stored.certificate
        let document = certificate.document
        var facts = [
            Fact(label: display.text("certificates.kind"), value: display.status("documentKind", certificate.documentKind)),
            Fact(label: display.text("certificates.customer"), value: document.customer.name),
            Fact(label: display.text("certificates.order"), value: document.orderNumber, href: "/console/orders/\(certificate.orderId.uuidString.lowercased())"),
            Fact(
                label: display.text("certificates.instrument"),
                value: "\(document.instrument.manufacturer) \(document.instrument.model) · \(document.instrument.serialNumber)"
            ),
            Fact(label: display.text("certificates.labNumber"), value: document.instrument.labNumber, href: "/console/items/\(certificate.itemId.uuidString.lowercased())"),
            Fact(label: display.text("certificates.method"), value: "\(document.method.serviceCode) · \(document.method.title) (\(document.method.reference))"),
            Fact(label: display.text("certificates.calibratedOn"), value: document.calibratedOn),
            Fact(label: display.text("certificates.issued"), value: display.time(certificate.issuedAt)),
            Fact(label: display.text("certificates.signedBy"), value: document.signedBy.name),
            Fact(label: display.text("certificates.digest"), value: certificate.digest),
        ]
        if let until = document.validUntil { facts.append(Fact(label: display.text("certificates.validUntil"), value: until)) }
        if let supersedes = certificate.supersedes {
            facts.append(
                Fact(label: display.text("certificates.supersedes"), value: document.supersedes ?? "", href: "/console/certificates/\(supersedes.uuidString.lowercased())")
            )
            facts.append(Fact(label: display.text("certificates.amendmentReason"), value: document.amendmentReason ?? ""))
        }
        if let newer = certificate.supersededBy {
            facts.append(Fact(label: display.text("certificates.supersededBy"), value: display.text("certificates.newerRevision"), href: "/console/certificates/\(newer.uuidString.lowercased())"))
        }
        let results = document.results.map {
            ResultRow(
                point: $0.point, nominal: "\($0.nominal) \($0.unit)", reference: "\($0.reference) \($0.unit)", mean: "\($0.meanIndication) \($0.unit)",
                error: "\($0.error) \($0.unit)", uncertainty: "\($0.expandedUncertainty) \($0.unit) (k = \($0.coverageFactor))",
                decision: $0.decision.map { display.status("decision", $0) } ?? "—"
            )
        }
        func field(_ name: String, _ key: String) -> FormField {
            FormField(name: name, label: display.text(key), value: values[name] ?? "", errors: problems)
        }
        var reason = field("reason", "certificates.reason")
        reason.textarea = true
        let number = certificate.number.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? certificate.number
        let model = ShowModel(
            id: id.uuidString.lowercased(), number: certificate.number, facts: facts, results: results,
            statusText: display.status("certificate", certificate.status), superseded: certificate.supersededBy != nil,
            verifyHref: "/v1/certificates/verify?number=\(number)&digest=\(certificate.digest)", hasDCC: certificate.documents != nil,
            canAmend: context.has(.signatory) && certificate.supersededBy == nil, reason: reason,
            manufacturer: field("instrument.manufacturer", "certificates.manufacturer"), model: field("instrument.model", "certificates.model"),
            serialNumber: field("instrument.serialNumber", "certificates.serialNumber"), assetTag: field("instrument.assetTag", "certificates.assetTag"),
            errors: problems.sorted { $0.key < $1.key }.map { SummaryError(anchor: FormField.anchor($0.key), label: $0.key, message: $0.value) }
        )
        return try area.page("console/certificates/show", titleKey: "certificates.showTitle", model: model, request: request, context: context.root, status: status)
    }

    func html(_ request: Request, context: ConsoleContext) async throws -> Response {
        DocumentFormat.html.response(try await services.certificates.find(id: try context.uuid(), scope: nil).html)
    }

    func text(_ request: Request, context: ConsoleContext) async throws -> Response {
        DocumentFormat.text.response(try await services.certificates.find(id: try context.uuid(), scope: nil).text)
    }

    /// The stored DCC, as the API serves it; 404 page for a certificate signed before DCC export.
    func dcc(_ request: Request, context: ConsoleContext) async throws -> Response {
        guard let download = try await services.certificates.find(id: try context.uuid(), scope: nil).dccDownload else { throw WebError.notFound }
        return download
    }

    func amend(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.sign)
        let id = try context.uuid()
        let form = try await area.form(request, context: context.root)
        let names = ["reason", "instrument.manufacturer", "instrument.model", "instrument.serialNumber", "instrument.assetTag"]
        let values = Dictionary(uniqueKeysWithValues: names.map { ($0, form[$0] ?? "") })
        var problems = form.problems
        if (form["reason"] ?? "").isEmpty { problems["reason"] = area.display(request).text("form.required") }
        if let reason = form["reason"], reason.count > 2000 { problems["reason"] = "must be at most 2000 characters" }
        guard problems.isEmpty, let reason = form["reason"] else {
            return try await render(request, context: context, id: id, values: values, problems: problems, status: .unprocessableContent)
        }
        var corrections: [String: JSONValue] = [:]
        for name in names.dropFirst() {
            if let value = form[name] { corrections[String(name.dropFirst("instrument.".count))] = .string(value) }
        }
        let instrument = corrections.isEmpty
            ? nil : try JSONDecoder().decode(CertificateStore.InstrumentCorrection.self, from: JSONValue.encoder.encode(JSONValue.object(corrections)))
        do {
            let amended = try await services.certificates.amend(id: id, reason: reason, instrument: instrument, by: context.staff, audit: context.audit)
            return area.redirect(to: "/console/certificates/\(amended.id.uuidString.lowercased())", flash: "certificates.amended", amended.number)
        } catch let problem as Problem where problem.status == .conflict || problem.status == .forbidden || problem.status == .serviceUnavailable {
            return area.redirect(to: "/console/certificates/\(id.uuidString.lowercased())", flash: "certificates.notAmended", problem.detail, error: true)
        }
    }
}
