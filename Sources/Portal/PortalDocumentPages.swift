import Billing
import Certification
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/portal/certificates` (search by number or serial number) and `/portal/certificates/{id}` with the certificate's
/// documents and its verification; `/portal/invoices` with status and balance, and `/portal/invoices/{id}` with the
/// invoice's documents. Every look-up is confined to the signed-in customer: anything else is the 404 page.
struct PortalDocumentPages {
    let area: PortalArea
    let services: PortalServices

    static let templates = ["portal/certificates/index", "portal/certificates/show", "portal/invoices/index", "portal/invoices/show"]

    func addRoutes(to group: RouterGroup<PortalContext>) {
        group.get("certificates", use: certificates)
        group.get("certificates/{id}", use: certificate)
        group.get("certificates/{id}/document.html") { request, context in
            DocumentFormat.html.response(try await services.certificates.find(id: try context.uuid(), scope: context.customerId).html)
        }
        group.get("certificates/{id}/document.txt") { request, context in
            DocumentFormat.text.response(try await services.certificates.find(id: try context.uuid(), scope: context.customerId).text)
        }
        group.get("certificates/{id}/document.dcc.xml") { request, context in
            guard let download = try await services.certificates.find(id: try context.uuid(), scope: context.customerId).dccDownload else {
                throw WebError.notFound
            }
            return download
        }
        group.get("invoices", use: invoices)
        group.get("invoices/{id}", use: invoice)
        group.get("invoices/{id}/document.html") { request, context in
            DocumentFormat.html.response(try services.invoiceDocuments.render(try await invoice(context), as: .html))
        }
        group.get("invoices/{id}/document.txt") { request, context in
            DocumentFormat.text.response(try services.invoiceDocuments.render(try await invoice(context), as: .text))
        }
    }

    static func instrumentText(_ instrument: CertificateDocument.InstrumentDescription) -> String {
        "\(instrument.manufacturer) \(instrument.model) · \(instrument.serialNumber)"
    }

    // MARK: Certificates

    struct CertificateRow {
        var href: String
        var number: String
        var kind: String
        var instrument: String
        var issued: String
        var status: String
        var current: Bool
        var dccHref: String?
    }

    struct CertificatesModel {
        var number: String
        var serialNumber: String
        var rows: [CertificateRow]
        var searched: Bool
        var nextHref: String?
    }

    func certificates(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? {
            query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty || $0.count > 100 ? nil : $0 }
        }
        let number = value("number")
        let serial = value("serialNumber")
        let page = (try? PageRequest(query: ["cursor": value("cursor") ?? "", "limit": "50"])) ?? PageRequest(limit: 50)
        let found = try await services.certificates.search(number: number, customerName: nil, serialNumber: serial, scope: context.customerId, page: page)
        var next = "/portal/certificates?"
        if let number { next += "number=\(PortalText.queryEncoded(number))&" }
        if let serial { next += "serialNumber=\(PortalText.queryEncoded(serial))&" }
        let model = CertificatesModel(
            number: number ?? "", serialNumber: serial ?? "",
            rows: found.items.map {
                CertificateRow(
                    href: "/portal/certificates/\($0.id.uuidString.lowercased())", number: $0.number, kind: display.status("documentKind", $0.documentKind),
                    instrument: Self.instrumentText($0.document.instrument), issued: display.time($0.issuedAt),
                    status: display.status("certificate", $0.status), current: $0.status == "issued",
                    dccHref: $0.documents == nil ? nil : "/portal/certificates/\($0.id.uuidString.lowercased())/document.dcc.xml"
                )
            },
            searched: number != nil || serial != nil, nextHref: found.nextCursor.map { next + "cursor=\($0)" }
        )
        return try area.page("portal/certificates/index", titleKey: "portal.certificates.title", model: model, request: request, context: context.root)
    }

    struct ResultRow {
        var point: Int
        var nominal: String
        var measured: String
        var uncertainty: String
        var conformity: String
    }

    struct CertificateModel {
        var heading: String
        var facts: [PortalFact]
        var results: [ResultRow]
        var htmlHref: String
        var textHref: String
        var dccHref: String?
        var verifyHref: String
        var digest: String
        var superseded: Bool
        var withdrawn: Bool
        var supersededHref: String?
    }

    func certificate(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let id = try context.uuid()
        let certificate = try await services.certificates.find(id: id, scope: context.customerId).certificate
        let document = certificate.document
        let path = "/portal/certificates/\(id.uuidString.lowercased())"
        var facts = [
            PortalFact(label: display.text("portal.certificates.kind"), value: display.status("documentKind", certificate.documentKind)),
            PortalFact(label: display.text("portal.certificates.status"), value: display.status("certificate", certificate.status)),
            PortalFact(label: display.text("portal.certificates.instrument"), value: Self.instrumentText(document.instrument)),
            PortalFact(label: display.text("portal.certificates.labNumber"), value: document.instrument.labNumber),
            PortalFact(
                label: display.text("portal.certificates.order"), value: document.orderNumber, href: "/portal/orders/\(certificate.orderId.uuidString.lowercased())"
            ),
            PortalFact(label: display.text("portal.certificates.method"), value: "\(document.method.serviceCode) · \(document.method.title) (\(document.method.reference))"),
            PortalFact(label: display.text("portal.certificates.calibratedOn"), value: document.calibratedOn),
            PortalFact(label: display.text("portal.certificates.issued"), value: display.time(certificate.issuedAt)),
            PortalFact(label: display.text("portal.certificates.signedBy"), value: document.signedBy.name),
        ]
        if let until = document.validUntil { facts.append(PortalFact(label: display.text("portal.certificates.validUntil"), value: until)) }
        if let supersedes = certificate.supersedes {
            facts.append(
                PortalFact(
                    label: display.text("portal.certificates.supersedes"), value: document.supersedes ?? "",
                    href: "/portal/certificates/\(supersedes.uuidString.lowercased())"
                )
            )
        }
        let results = document.results.map {
            ResultRow(
                point: $0.point, nominal: "\($0.nominal) \($0.unit)", measured: "\($0.meanIndication) \($0.unit)",
                uncertainty: "± \($0.expandedUncertainty) \($0.unit) (k = \($0.coverageFactor))",
                conformity: $0.decision.map { display.status("decision", $0) } ?? "—"
            )
        }
        let model = CertificateModel(
            heading: display.text("portal.certificates.certificateHeading", certificate.number), facts: facts, results: results,
            htmlHref: path + "/document.html", textHref: path + "/document.txt", dccHref: certificate.documents == nil ? nil : path + "/document.dcc.xml",
            verifyHref: "/v1/certificates/verify?number=\(PortalText.queryEncoded(certificate.number))&digest=\(certificate.digest)",
            digest: certificate.digest, superseded: certificate.supersededBy != nil, withdrawn: certificate.status == "withdrawn",
            supersededHref: certificate.supersededBy.map { "/portal/certificates/\($0.uuidString.lowercased())" }
        )
        return try area.page("portal/certificates/show", titleKey: "portal.certificates.showTitle", model: model, request: request, context: context.root)
    }

    // MARK: Invoices

    static func invoiceRow(_ invoice: Invoice, display: Display) -> PortalOverview.InvoiceRow {
        PortalOverview.InvoiceRow(
            href: "/portal/invoices/\(invoice.id.uuidString.lowercased())", number: invoice.number, dueOn: invoice.dueOn,
            balance: display.money(invoice.balance), status: display.text("invoices.state.\(invoice.status.rawValue)")
        )
    }

    struct InvoicesModel {
        var statuses: [Choice]
        var rows: [InvoiceListRow]
        var filtered: Bool
        var nextHref: String?
    }

    struct InvoiceListRow {
        var href: String
        var number: String
        var orderNumber: String
        var issuedOn: String
        var dueOn: String
        var total: String
        var balance: String
        var status: String
        var attention: Bool
    }

    func invoices(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let status = query["status"].flatMap { InvoiceStatus(rawValue: String($0)) }
        let page = (try? PageRequest(query: ["cursor": query["cursor"].map(String.init) ?? "", "limit": "50"])) ?? PageRequest(limit: 50)
        let found = try await services.billing.list(scope: context.customerId, status: status, customerId: nil, page: page)
        let model = InvoicesModel(
            statuses: [Choice(value: "", label: display.text("portal.invoices.anyStatus"), selected: status == nil)]
                + InvoiceStatus.allCases.map { Choice(value: $0.rawValue, label: display.text("invoices.state.\($0.rawValue)"), selected: $0 == status) },
            rows: found.items.map {
                InvoiceListRow(
                    href: "/portal/invoices/\($0.id.uuidString.lowercased())", number: $0.number, orderNumber: $0.orderNumber, issuedOn: $0.issuedOn,
                    dueOn: $0.dueOn, total: display.money($0.total), balance: display.money($0.balance),
                    status: display.text("invoices.state.\($0.status.rawValue)"), attention: $0.status == .overdue
                )
            },
            filtered: status != nil,
            nextHref: found.nextCursor.map { "/portal/invoices?" + (status.map { "status=\($0.rawValue)&" } ?? "") + "cursor=\($0)" }
        )
        return try area.page("portal/invoices/index", titleKey: "portal.invoices.title", model: model, request: request, context: context.root)
    }

    func invoice(_ context: PortalContext) async throws -> Invoice {
        try await services.billing.invoice(id: try context.uuid(), scope: context.customerId)
    }

    struct PaymentRow {
        var receivedOn: String
        var amount: String
        var reference: String
    }

    struct InvoiceModel {
        var heading: String
        var facts: [PortalFact]
        var payments: [PaymentRow]
        var htmlHref: String
        var textHref: String
    }

    func invoice(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let invoice = try await invoice(context)
        let path = "/portal/invoices/\(invoice.id.uuidString.lowercased())"
        let facts = [
            PortalFact(label: display.text("portal.invoices.status"), value: display.text("invoices.state.\(invoice.status.rawValue)")),
            PortalFact(label: display.text("portal.invoices.order"), value: invoice.orderNumber, href: "/portal/orders/\(invoice.orderId.uuidString.lowercased())"),
            PortalFact(label: display.text("portal.invoices.reference"), value: invoice.customerReference),
            PortalFact(label: display.text("portal.invoices.issuedOn"), value: invoice.issuedOn),
            PortalFact(label: display.text("portal.invoices.dueOn"), value: invoice.dueOn),
            PortalFact(label: display.text("portal.invoices.total"), value: display.money(invoice.total)),
            PortalFact(label: display.text("portal.invoices.paid"), value: display.money(invoice.paid)),
            PortalFact(label: display.text("portal.invoices.balance"), value: display.money(invoice.balance)),
        ]
        let model = InvoiceModel(
            heading: display.text("portal.invoices.invoiceHeading", invoice.number), facts: facts,
            payments: invoice.payments.map { PaymentRow(receivedOn: $0.receivedOn, amount: display.money($0.amount), reference: $0.reference) },
            htmlHref: path + "/document.html", textHref: path + "/document.txt"
        )
        return try area.page("portal/invoices/show", titleKey: "portal.invoices.showTitle", model: model, request: request, context: context.root)
    }
}

/// Small text helpers of the portal's pages.
enum PortalText {
    /// Text for a query value, percent-encoded.
    static func queryEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
