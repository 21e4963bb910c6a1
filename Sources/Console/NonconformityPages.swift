import Foundation
import Hummingbird
import LIMSCore
import Quality
import Web

/// `/console/nonconformities` (open and closed nonconforming work) and `/console/nonconformities/{id}`: the certificates
/// in doubt and, for those who decide (``QualityAccess/manage``), `Record disposition` per certificate (final once given).
/// `POST /console/equipment/{id}/nonconformities` opens one from the equipment page (`Open nonconformity`).
struct NonconformityPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/nonconformities/index", "console/nonconformities/show"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("nonconformities", use: list)
        group.get("nonconformities/{id}", use: show)
        group.post("nonconformities/{id}/certificates/{certificateId}", use: dispose)
        group.post("equipment/{id}/nonconformities", use: open)
    }

    struct Row {
        var href: String
        var number: String
        var description: String
        var opened: String
        var status: String
        var open: Bool
        var progress: String
    }

    struct ListModel {
        var statuses: [Option]
        var rows: [Row]
        var nextHref: String?
    }

    typealias Option = FormField.Option

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let status = query["status"].flatMap { NonconformityStatus(rawValue: String($0)) }
        let page = (try? PageRequest(query: ["cursor": query["cursor"].map(String.init) ?? "", "limit": "50"])) ?? PageRequest(limit: 50)
        let found = try await services.nonconformities.list(status: status, page: page)
        let model = ListModel(
            statuses: [Option(value: "", label: display.text("nonconformities.anyStatus"), selected: status == nil)]
                + NonconformityStatus.allCases.map { Option(value: $0.rawValue, label: display.text("nonconformities.status.\($0.rawValue)"), selected: $0 == status) },
            rows: found.items.map { nc in
                Row(
                    href: "/console/nonconformities/\(nc.id.uuidString.lowercased())", number: nc.number, description: nc.description,
                    opened: display.time(nc.openedAt), status: display.text("nonconformities.status.\(nc.status.rawValue)"), open: nc.status == .open,
                    progress: display.text(
                        "nonconformities.progress", String(nc.certificates.filter { $0.disposition != nil }.count), String(nc.certificates.count)
                    )
                )
            },
            nextHref: found.nextCursor.map { "/console/nonconformities?" + (status.map { "status=\($0.rawValue)&" } ?? "") + "cursor=\($0)" }
        )
        return try area.page("console/nonconformities/index", titleKey: "nonconformities.title", model: model, request: request, context: context.root)
    }

    struct CertificateRow {
        var id: String
        var href: String
        var number: String
        var disposition: String?
        var justification: String?
        var decided: String?
        var canDecide: Bool
        var action: String
        var options: [Option]
        var justificationValue: String
        var error: String?
    }

    struct ShowModel {
        var heading: String
        var facts: [Fact]
        var open: Bool
        var certificates: [CertificateRow]
        var errors: [SummaryError]
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, id: try context.uuid(), problem: nil)
    }

    func render(
        _ request: Request, context: ConsoleContext, id: UUID, problem: (certificateId: UUID, form: FormData, message: String)?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let nc = try await services.nonconformities.find(id: id) else { throw WebError.notFound }
        let display = area.display(request)
        var facts = [
            Fact(label: display.text("nonconformities.statusLabel"), value: display.text("nonconformities.status.\(nc.status.rawValue)")),
            Fact(label: display.text("nonconformities.description"), value: nc.description),
            Fact(label: display.text("nonconformities.opened"), value: display.time(nc.openedAt)),
            Fact(label: display.text("nonconformities.since"), value: nc.since ?? display.text("nonconformities.sinceFirstUse")),
        ]
        if let equipmentId = nc.equipmentId, let equipment = try await services.equipment.find(id: equipmentId) {
            facts.insert(
                Fact(label: display.text("nonconformities.equipment"), value: "\(equipment.assetTag) · \(equipment.name)", href: "/console/equipment/\(equipmentId)"),
                at: 1
            )
        }
        if let closed = nc.closedAt { facts.append(Fact(label: display.text("nonconformities.closed"), value: display.time(closed))) }
        let canDecide = context.has(anyOf: QualityAccess.manage)
        let rows = nc.certificates.map { certificate in
            let failed = problem?.certificateId == certificate.certificateId ? problem : nil
            let chosen = failed?.form["disposition"]
            return CertificateRow(
                id: certificate.certificateId.uuidString.lowercased(), href: "/console/certificates/\(certificate.certificateId.uuidString.lowercased())",
                number: certificate.number, disposition: certificate.disposition.map { display.text("nonconformities.disposition.\($0.rawValue)") },
                justification: certificate.justification, decided: certificate.decidedAt.map(display.time),
                canDecide: canDecide && certificate.disposition == nil,
                action: "/console/nonconformities/\(nc.id.uuidString.lowercased())/certificates/\(certificate.certificateId.uuidString.lowercased())",
                options: [Option(value: "", label: display.text("nonconformities.choose"), selected: chosen == nil)]
                    + Disposition.allCases.map {
                        Option(value: $0.rawValue, label: display.text("nonconformities.disposition.\($0.rawValue)"), selected: $0.rawValue == chosen)
                    },
                justificationValue: failed?.form["justification"] ?? "", error: failed?.message
            )
        }
        let errors = problem.map { [SummaryError(anchor: "justification-\($0.certificateId.uuidString.lowercased())", label: display.text("nonconformities.justification"), message: $0.message)] } ?? []
        let model = ShowModel(
            heading: display.text("nonconformities.heading", nc.number), facts: facts, open: nc.status == .open, certificates: rows, errors: errors
        )
        return try area.page("console/nonconformities/show", titleKey: "nonconformities.showTitle", model: model, request: request, context: context.root, status: status)
    }

    func dispose(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(QualityAccess.manage)
        let id = try context.uuid()
        let certificateId = try context.uuid("certificateId")
        let form = try await area.form(request, context: context.root)
        do {
            let after = try await services.nonconformities.dispose(
                nonconformityId: id, certificateId: certificateId,
                .init(disposition: form["disposition"], justification: form.problems["justification"] == nil ? form["justification"] : nil), audit: context.audit
            )
            return area.redirect(
                to: "/console/nonconformities/\(id.uuidString.lowercased())", flash: after.status == .closed ? "nonconformities.closedFlash" : "nonconformities.recorded"
            )
        } catch let problem as Problem where problem.status == .unprocessableContent {
            let message = problem.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            return try await render(request, context: context, id: id, problem: (certificateId, form, message), status: .unprocessableContent)
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: "/console/nonconformities/\(id.uuidString.lowercased())", flash: "nonconformities.notRecorded", problem.detail, error: true)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        }
    }

    /// Opens a nonconformity for the equipment (its impact window as the API computes it, or `since`).
    func open(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(QualityAccess.manage)
        let equipmentId = try context.uuid()
        let form = try await area.form(request, context: context.root)
        do {
            let opened = try await services.nonconformities.open(
                .init(equipmentId: equipmentId.uuidString, description: form["description"], since: form["since"]), audit: context.audit
            )
            return area.redirect(to: "/console/nonconformities/\(opened.id.uuidString.lowercased())", flash: "nonconformities.openedFlash", opened.number)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            let message = problem.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            return area.redirect(to: "/console/equipment/\(equipmentId.uuidString.lowercased())#nonconformity-h", flash: "nonconformities.notOpened", message, error: true)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        }
    }
}
