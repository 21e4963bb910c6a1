import Crypto
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import Orders
import Web

/// `/portal/instruments`: the customer's instrument register with status and next due date, filterable by status;
/// chosen instruments are re-ordered in one order (`Re-order selected`, once however often pressed).
/// `/portal/instruments/{id}`: an instrument's facts and its history of certificates.
struct PortalInstrumentPages {
    let area: PortalArea
    let services: PortalServices

    static let templates = ["portal/instruments/index", "portal/instruments/show"]

    func addRoutes(to group: RouterGroup<PortalContext>) {
        group.get("instruments", use: list)
        group.post("instruments/reorder", use: reorder)
        group.get("instruments/{id}", use: show)
    }

    struct Row {
        var id: String
        var href: String
        var name: String
        var assetTag: String?
        var mandatory: String
        var lastService: String
        var nextDue: String
        var status: String
        var good: Bool
        var attention: Bool
        var checked: Bool
    }

    struct ListModel {
        var statuses: [Choice]
        var rows: [Row]
        var filtered: Bool
        var nextHref: String?
        var submissionKey: String
        var priorities: [Choice]
        var error: String?
    }

    static func name(_ instrument: RegisteredInstrument) -> String {
        "\(instrument.manufacturer) \(instrument.model) · \(instrument.serialNumber)"
    }

    func list(_ request: Request, context: PortalContext) async throws -> Response {
        try await render(request, context: context, chosen: [], error: nil)
    }

    func render(_ request: Request, context: PortalContext, chosen: Set<String>, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let filter = query["status"].flatMap { InstrumentStatus(rawValue: String($0)) }
        let page = (try? PageRequest(query: ["cursor": query["cursor"].map(String.init) ?? "", "limit": "100"])) ?? PageRequest(limit: 100)
        let found = try await services.instruments.list(InstrumentFilter(customerId: context.customerId, status: filter), page: page)
        let rows = found.items.map { instrument in
            Row(
                id: instrument.id.uuidString.lowercased(), href: "/portal/instruments/\(instrument.id.uuidString.lowercased())", name: Self.name(instrument),
                assetTag: instrument.assetTag,
                mandatory: instrument.mandatoryVerificationCategory.map { display.text("instrumentsPage.mandatory.\($0.rawValue)") } ?? "—",
                lastService: instrument.lastServiceOn ?? "—", nextDue: instrument.nextDueOn ?? "—",
                status: display.text("instrumentsPage.status.\(instrument.status.rawValue)"), good: instrument.status == .inPeriod,
                attention: [.overdue, .failed, .dueSoon].contains(instrument.status), checked: chosen.contains(instrument.id.uuidString.lowercased())
            )
        }
        let model = ListModel(
            statuses: [Choice(value: "", label: display.text("instrumentsPage.anyStatus"), selected: filter == nil)]
                + InstrumentStatus.allCases.map {
                    Choice(value: $0.rawValue, label: display.text("instrumentsPage.status.\($0.rawValue)"), selected: $0 == filter)
                },
            rows: rows, filtered: filter != nil,
            nextHref: found.nextCursor.map { "/portal/instruments?" + (filter.map { "status=\($0.rawValue)&" } ?? "") + "cursor=\($0)" },
            submissionKey: UUID().uuidString.lowercased(),
            priorities: Priority.allCases.map { Choice(value: $0.rawValue, label: display.status("priority", $0.rawValue), selected: $0 == .standard) },
            error: error
        )
        return try area.page("portal/instruments/index", titleKey: "portal.instruments.title", model: model, request: request, context: context.root, status: status)
    }

    /// One order for the chosen instruments, as `POST /v1/instruments/reorder` makes it, keyed by the form's submission key.
    func reorder(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let form = try await area.form(request, context: context.root)
        let chosen = form.all("instrumentIds")
        guard !chosen.isEmpty else {
            return try await render(request, context: context, chosen: [], error: display.text("portal.instruments.noneChosen"), status: .unprocessableContent)
        }
        let key = form["submissionKey"].flatMap { UUID(uuidString: $0) }?.uuidString.lowercased() ?? UUID().uuidString.lowercased()
        let input = ReorderRequest(instrumentIds: chosen, priority: form["priority"], customerReference: form["customerReference"])
        let fingerprint = SHA256.hash(data: Data((["reorder", form["priority"] ?? "", form["customerReference"] ?? ""] + chosen.sorted()).joined(separator: "\n").utf8))
            .map { String(format: "%02x", $0) }.joined()
        do {
            let outcome = try await services.idempotency.run(customerId: context.customerId, key: "portal:" + key, fingerprint: fingerprint) { connection in
                let placed = try await services.orders.reorder(input, customerId: context.customerId, on: connection, audit: context.audit)
                return (201, placed.json.bytes)
            }
            let made = try JSONDecoder().decode(PortalOrderPages.Made.self, from: Data(outcome.body))
            return area.redirect(
                to: "/portal/orders/\(made.id.uuidString.lowercased())", flash: outcome.replayed ? "portal.newOrder.already" : "portal.instruments.reordered",
                made.number
            )
        } catch let problem as Problem where problem.status == .unprocessableContent {
            let detail = problem.errors.map { issue in
                issue.field.hasPrefix("instrumentIds[") ? display.text("portal.instruments.cannotReorder") : "\(issue.field): \(issue.message)"
            }
            return try await render(
                request, context: context, chosen: Set(chosen.map { $0.lowercased() }), error: Array(Set(detail)).sorted().joined(separator: " "),
                status: .unprocessableContent
            )
        }
    }

    struct HistoryRow {
        var number: String
        var href: String?
        var service: String
        var serviceOn: String
        var kind: String
        var result: String
        var validUntil: String
        var status: String
    }

    struct ShowModel {
        var heading: String
        var id: String
        var status: String
        var attention: Bool
        var facts: [PortalFact]
        var history: [HistoryRow]
        var submissionKey: String
        var newOrderHref: String
    }

    func show(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.uuid()
        let instrument: RegisteredInstrument
        do {
            instrument = try await services.instruments.find(id: id, scope: context.customerId)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        }
        let display = area.display(request)
        func fact(_ key: String, _ value: String?, href: String? = nil) -> PortalFact {
            PortalFact(label: display.text("instrumentsPage.\(key)"), value: value.flatMap { $0.isEmpty ? nil : $0 } ?? "—", href: href)
        }
        let facts = [
            fact("manufacturer", instrument.manufacturer), fact("model", instrument.model), fact("serialNumber", instrument.serialNumber),
            fact("assetTag", instrument.assetTag), fact("location", instrument.location), fact("category", instrument.category),
            fact("mandatoryCategory", instrument.mandatoryVerificationCategory.map { display.text("instrumentsPage.mandatory.\($0.rawValue)") }),
            fact("interval", instrument.calibrationIntervalMonths.map { display.text("instrumentsPage.months", String($0)) }),
            fact("lastService", instrument.lastServiceOn),
            fact("lastResult", instrument.lastResult.map { display.text("instrumentsPage.result.\($0.rawValue)") }),
            fact("nextDue", instrument.nextDueOn),
        ]
        let history = (instrument.history ?? []).map { entry in
            HistoryRow(
                number: entry.number, href: entry.certificateId.map { "/portal/certificates/\($0.uuidString.lowercased())" }, service: entry.serviceCode,
                serviceOn: entry.serviceOn, kind: display.status("documentKind", entry.kind),
                result: display.text("instrumentsPage.result.\(entry.result.rawValue)"), validUntil: entry.validUntil ?? "—",
                status: entry.imported ? display.text("instrumentsPage.imported") : display.text("instrumentsPage.certificateStatus.\(entry.status)")
            )
        }
        let model = ShowModel(
            heading: Self.name(instrument), id: instrument.id.uuidString.lowercased(),
            status: display.text("instrumentsPage.status.\(instrument.status.rawValue)"),
            attention: [.overdue, .failed, .dueSoon].contains(instrument.status), facts: facts, history: history,
            submissionKey: UUID().uuidString.lowercased(), newOrderHref: "/portal/orders/new?instrument=\(instrument.id.uuidString.lowercased())"
        )
        return try area.page("portal/instruments/show", titleKey: "portal.instruments.showTitle", model: model, request: request, context: context.root)
    }
}
