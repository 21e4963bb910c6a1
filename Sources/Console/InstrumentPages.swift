import Accounts
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import Web

/// `/console/instruments`: the customers' instrument registers, filtered by customer, status and mandatory verification;
/// `/console/instruments/{id}`: an instrument's facts and its history of certificates.
struct InstrumentPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/instruments/index", "console/instruments/show"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("instruments", use: index)
        group.get("instruments/{id}", use: show)
    }

    var instruments: InstrumentStore { services.orders.instruments }

    typealias Option = FormField.Option

    struct Row {
        var href: String
        var customer: String
        var instrument: String
        var assetTag: String?
        var category: String
        var mandatory: String
        var lastService: String
        var lastResult: String
        var nextDue: String
        var status: String
        var attention: Bool
        var good: Bool
    }

    struct IndexModel {
        var customers: [Option]
        var statuses: [Option]
        var mandatory: [Option]
        var rows: [Row]
        var filtered: Bool
        var nextHref: String?
    }

    func index(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let customerId = value("customer").flatMap(UUID.init(uuidString:))
        let status = value("status").flatMap(InstrumentStatus.init(rawValue:))
        let mandatory = value("mandatory").flatMap { ["yes": true, "no": false][$0] }
        let page = (try? PageRequest(query: ["cursor": value("cursor") ?? ""])) ?? PageRequest()
        let found = try await instruments.list(InstrumentFilter(customerId: customerId, status: status, mandatory: mandatory), page: page)
        let customers = try await services.customers.list(page: PageRequest(limit: 500)).items
        let names = Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0.name) })
        let rows = found.items.map { instrument in
            Row(
                href: "/console/instruments/\(instrument.id.uuidString.lowercased())", customer: names[instrument.customerId] ?? "",
                instrument: "\(instrument.manufacturer) \(instrument.model) · \(instrument.serialNumber)", assetTag: instrument.assetTag,
                category: instrument.category ?? "",
                mandatory: instrument.mandatoryVerificationCategory.map { display.text("instrumentsPage.mandatory.\($0.rawValue)") } ?? "—",
                lastService: instrument.lastServiceOn ?? "—",
                lastResult: instrument.lastResult.map { display.text("instrumentsPage.result.\($0.rawValue)") } ?? "—",
                nextDue: instrument.nextDueOn ?? "—", status: display.text("instrumentsPage.status.\(instrument.status.rawValue)"),
                attention: instrument.status == .overdue || instrument.status == .failed || instrument.status == .dueSoon,
                good: instrument.status == .inPeriod
            )
        }
        var next: String?
        if let cursor = found.nextCursor {
            next = "/console/instruments?customer=\(customerId?.uuidString.lowercased() ?? "")&status=\(status?.rawValue ?? "")"
                + "&mandatory=\(value("mandatory") ?? "")&cursor=\(cursor)"
        }
        let model = IndexModel(
            customers: [Option(value: "", label: display.text("instrumentsPage.allCustomers"), selected: customerId == nil)]
                + customers.map { Option(value: $0.id.uuidString.lowercased(), label: "\($0.name) (\($0.code))", selected: $0.id == customerId) },
            statuses: [Option(value: "", label: display.text("instrumentsPage.anyStatus"), selected: status == nil)]
                + InstrumentStatus.allCases.map {
                    Option(value: $0.rawValue, label: display.text("instrumentsPage.status.\($0.rawValue)"), selected: $0 == status)
                },
            mandatory: [
                Option(value: "", label: display.text("instrumentsPage.mandatoryAny"), selected: mandatory == nil),
                Option(value: "yes", label: display.text("instrumentsPage.mandatoryYes"), selected: mandatory == true),
                Option(value: "no", label: display.text("instrumentsPage.mandatoryNo"), selected: mandatory == false),
            ],
            rows: rows, filtered: customerId != nil || status != nil || mandatory != nil, nextHref: next
        )
        return try area.page("console/instruments/index", titleKey: "instrumentsPage.title", model: model, request: request, context: context.root)
    }

    struct Fact {
        var label: String
        var value: String
        var href: String?
    }

    struct HistoryRow {
        var number: String
        var href: String?
        var service: String
        var serviceOn: String
        var issuedOn: String
        var kind: String
        var result: String
        var validUntil: String
        var status: String
        var current: Bool
    }

    struct ShowModel {
        var heading: String
        var status: String
        var attention: Bool
        var facts: [Fact]
        var history: [HistoryRow]
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw WebError.notFound }
        let instrument: RegisteredInstrument
        do {
            instrument = try await instruments.find(id: id, scope: nil)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        }
        let display = area.display(request)
        let customer = try await services.customers.find(id: instrument.customerId)
        func fact(_ key: String, _ value: String?, href: String? = nil) -> Fact {
            Fact(label: display.text("instrumentsPage.\(key)"), value: value.flatMap { $0.isEmpty ? nil : $0 } ?? "—", href: href)
        }
        let facts = [
            fact("customer", customer.map { "\($0.name) (\($0.code))" }),
            fact("manufacturer", instrument.manufacturer),
            fact("model", instrument.model),
            fact("serialNumber", instrument.serialNumber),
            fact("assetTag", instrument.assetTag),
            fact("location", instrument.location),
            fact("category", instrument.category),
            fact("mandatoryCategory", instrument.mandatoryVerificationCategory.map { display.text("instrumentsPage.mandatory.\($0.rawValue)") }),
            fact("interval", instrument.calibrationIntervalMonths.map { display.text("instrumentsPage.months", String($0)) }),
            fact("lastService", instrument.lastServiceOn),
            fact(
                "lastCertificate", instrument.lastCertificateNumber,
                href: instrument.lastCertificateId.map { "/console/certificates/\($0.uuidString.lowercased())" }
            ),
            fact("lastResult", instrument.lastResult.map { display.text("instrumentsPage.result.\($0.rawValue)") }),
            fact("nextDue", instrument.nextDueOn),
            fact("registered", display.time(instrument.registeredAt)),
        ]
        let history = (instrument.history ?? []).map { entry in
            HistoryRow(
                number: entry.number, href: entry.certificateId.map { "/console/certificates/\($0.uuidString.lowercased())" }, service: entry.serviceCode,
                serviceOn: entry.serviceOn, issuedOn: entry.issuedOn, kind: display.status("documentKind", entry.kind),
                result: display.text("instrumentsPage.result.\(entry.result.rawValue)"), validUntil: entry.validUntil ?? "—",
                status: entry.imported
                    ? display.text("instrumentsPage.imported") : display.text("instrumentsPage.certificateStatus.\(entry.status)"),
                current: entry.status == "issued"
            )
        }
        let model = ShowModel(
            heading: "\(instrument.manufacturer) \(instrument.model) · \(instrument.serialNumber)",
            status: display.text("instrumentsPage.status.\(instrument.status.rawValue)"),
            attention: instrument.status == .overdue || instrument.status == .failed || instrument.status == .dueSoon, facts: facts, history: history
        )
        return try area.page("console/instruments/show", titleKey: "instrumentsPage.showTitle", model: model, request: request, context: context.root)
    }
}
