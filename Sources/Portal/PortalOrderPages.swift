import Billing
import Certification
import Crypto
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import Orders
import Samples
import Web

/// `/portal/orders`: the customer's orders by status; `/portal/orders/{id}`: its items' progress with each item's
/// custody timeline, certificates and the invoice; `/portal/orders/new`: the order form (services from the catalogue,
/// instruments from the register or typed in), submitted once however often the button is pressed.
struct PortalOrderPages {
    let area: PortalArea
    let services: PortalServices

    static let templates = ["portal/orders/index", "portal/orders/show", "portal/orders/new"]

    func addRoutes(to group: RouterGroup<PortalContext>) {
        group.get("orders", use: list)
        group.get("orders/new", use: newOrder)
        group.post("orders/new", use: submit)
        group.get("orders/{id}", use: show)
    }

    // MARK: List

    struct ListModel {
        var statuses: [Choice]
        var rows: [PortalOverview.OrderRow]
        var filtered: Bool
        var nextHref: String?
    }

    func list(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let status = query["status"].flatMap { OrderStatus(rawValue: String($0)) }
        let page = (try? PageRequest(query: ["cursor": query["cursor"].map(String.init) ?? "", "limit": "50"])) ?? PageRequest(limit: 50)
        let found = try await services.orders.list(scope: context.customerId, status: status, customerId: nil, page: page)
        let model = ListModel(
            statuses: [Choice(value: "", label: display.text("portal.orders.anyStatus"), selected: status == nil)]
                + OrderStatus.allCases.map { Choice(value: $0.rawValue, label: display.status("order", $0.rawValue), selected: $0 == status) },
            rows: found.items.map { Self.row($0, display: display) }, filtered: status != nil,
            nextHref: found.nextCursor.map { "/portal/orders?" + (status.map { "status=\($0.rawValue)&" } ?? "") + "cursor=\($0)" }
        )
        return try area.page("portal/orders/index", titleKey: "portal.orders.title", model: model, request: request, context: context.root)
    }

    static func row(_ order: Order, display: Display) -> PortalOverview.OrderRow {
        let done = order.items.filter { [.certified, .returned].contains($0.status) }.count
        return PortalOverview.OrderRow(
            href: "/portal/orders/\(order.id.uuidString.lowercased())", number: order.number, reference: order.customerReference,
            status: display.status("order", order.status.rawValue), submitted: display.time(order.submittedAt),
            progress: display.text("portal.orders.progress", String(done), String(order.items.count))
        )
    }

    // MARK: One order

    struct ItemModel {
        var line: Int
        var anchor: String
        var service: String
        var instrument: String
        var instrumentHref: String?
        var labNumber: String?
        var status: String
        var good: Bool
        var attention: Bool
        var certificates: [Link]
        var events: [TimelineEvent]
    }

    struct Link {
        var href: String
        var label: String
    }

    struct ShowModel {
        var heading: String
        var facts: [PortalFact]
        var items: [ItemModel]
        var totals: [PortalFact]
        var invoice: Link?
    }

    func show(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let order = try await services.orders.order(id: try context.uuid(), scope: context.customerId)
        let received = Dictionary(
            uniqueKeysWithValues: (try await services.samples.items(orderId: order.id, scope: context.customerId) ?? []).map { ($0.id, $0.number) }
        )
        let certificates = try await services.certificates.list(orderId: order.id, scope: context.customerId, page: PageRequest(limit: 200)).items
        var items: [ItemModel] = []
        for item in order.items {
            let events = try await services.samples.custody(itemId: item.id, scope: context.customerId, page: PageRequest(limit: 200)).items.map {
                display.custodyEvent(
                    at: $0.at, action: $0.action.rawValue, actor: $0.actor, fromLocation: $0.fromLocation, toLocation: $0.toLocation,
                    fromStatus: $0.fromStatus, toStatus: $0.toStatus, details: $0.details, reason: $0.reason
                )
            }
            items.append(
                ItemModel(
                    line: item.lineNumber, anchor: "item-\(item.lineNumber)", service: item.serviceCode,
                    instrument: "\(item.instrument.manufacturer) \(item.instrument.model) · \(item.instrument.serialNumber)",
                    instrumentHref: item.instrumentId.map { "/portal/instruments/\($0.uuidString.lowercased())" }, labNumber: received[item.id] ?? nil,
                    status: display.status("item", item.status.rawValue), good: [.certified, .returned].contains(item.status),
                    attention: [.onHold, .rejected].contains(item.status),
                    certificates: certificates.filter { $0.itemId == item.id }.map {
                        Link(href: "/portal/certificates/\($0.id.uuidString.lowercased())", label: $0.number)
                    },
                    events: events
                )
            )
        }
        var facts = [
            PortalFact(label: display.text("portal.orders.reference"), value: order.customerReference),
            PortalFact(label: display.text("portal.orders.status"), value: display.status("order", order.status.rawValue)),
            PortalFact(label: display.text("portal.orders.priority"), value: display.status("priority", order.priority.rawValue)),
            PortalFact(label: display.text("portal.orders.submitted"), value: display.time(order.submittedAt)),
        ]
        if let decided = order.decidedAt { facts.append(PortalFact(label: display.text("portal.orders.decided"), value: display.time(decided))) }
        if let reason = order.rejectionReason { facts.append(PortalFact(label: display.text("portal.orders.rejectionReason"), value: reason)) }
        if let completed = order.completedAt { facts.append(PortalFact(label: display.text("portal.orders.completed"), value: display.time(completed))) }
        let quote = order.quote
        var totals = [PortalFact(label: display.text("portal.orders.subtotal"), value: display.money(quote.subtotal))]
        if quote.discount.amountMinor != 0 {
            totals.append(PortalFact(label: display.text("portal.orders.discount"), value: display.money(Money(amountMinor: -quote.discount.amountMinor, currency: quote.currency))))
        }
        if quote.expedited { totals.append(PortalFact(label: display.text("portal.orders.surcharge"), value: display.money(quote.surcharge))) }
        totals.append(PortalFact(label: display.text("portal.orders.tax"), value: display.money(quote.tax)))
        totals.append(PortalFact(label: display.text("portal.orders.total"), value: display.money(quote.total)))
        let invoice = try await services.billing.invoice(orderId: order.id).map {
            Link(href: "/portal/invoices/\($0.id.uuidString.lowercased())", label: $0.number)
        }
        let model = ShowModel(
            heading: display.text("portal.orders.orderHeading", order.number), facts: facts, items: items, totals: totals, invoice: invoice
        )
        return try area.page("portal/orders/show", titleKey: "portal.orders.showTitle", model: model, request: request, context: context.root)
    }

    // MARK: New order

    /// One row of the order form: a service, and a registered instrument or one typed in.
    struct Row {
        var index: Int
        var number: Int
        var services: [Choice]
        var instruments: [Choice]
        var manufacturer: String
        var model: String
        var serialNumber: String
        var notes: String
        // Stored, not computed: templates see stored properties only.
        var serviceError: String?
        var instrumentError: String?
        var manufacturerError: String?
        var modelError: String?
        var serialNumberError: String?
        var notesError: String?
    }

    struct FormModel {
        var submissionKey: String
        var reference: String
        var referenceError: String?
        var priorities: [Choice]
        var returnAddress: String
        var returnAddressError: String?
        var rows: [Row]
        var rowCount: Int
        var errors: [PortalError]
        var itemsError: String?
    }

    static let defaultRows = 3
    static let maximumRows = 50

    func newOrder(_ request: Request, context: PortalContext) async throws -> Response {
        let query = request.uri.queryParameters
        var form = FormData(urlEncoded: "")
        if let chosen = query["instrument"].map(String.init), UUID(uuidString: chosen) != nil {
            form = FormData(urlEncoded: "items%5B0%5D.instrumentId=\(chosen)")
        }
        return try await render(request, context: context, form: form, rows: Self.defaultRows, problems: [:], key: UUID().uuidString.lowercased())
    }

    func render(
        _ request: Request, context: PortalContext, form: FormData, rows count: Int, problems: [String: String], key: String,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        let catalogue = try await services.catalogue.list()
        let register = try await services.instruments.list(InstrumentFilter(customerId: context.customerId), page: PageRequest(limit: 500)).items
        let rows = (0..<count).map { index in
            let prefix = "items[\(index)]."
            let service = form[prefix + "serviceCode"]
            let instrument = form[prefix + "instrumentId"]
            var errors: [String: String] = [:]
            for (field, message) in problems where field.hasPrefix(prefix) { errors[String(field.dropFirst(prefix.count))] = message }
            return Row(
                index: index, number: index + 1,
                services: [Choice(value: "", label: display.text("portal.newOrder.chooseService"), selected: service == nil)]
                    + catalogue.map { Choice(value: $0.code, label: "\($0.code) · \($0.title)", selected: $0.code == service) },
                instruments: [Choice(value: "", label: display.text("portal.newOrder.newInstrument"), selected: instrument == nil)]
                    + register.map {
                        Choice(value: $0.id.uuidString.lowercased(), label: PortalInstrumentPages.name($0), selected: $0.id.uuidString.lowercased() == instrument?.lowercased())
                    },
                manufacturer: form[prefix + "instrument.manufacturer"] ?? "", model: form[prefix + "instrument.model"] ?? "",
                serialNumber: form[prefix + "instrument.serialNumber"] ?? "", notes: form[prefix + "notes"] ?? "",
                serviceError: errors["serviceCode"], instrumentError: errors["instrument"], manufacturerError: errors["instrument.manufacturer"],
                modelError: errors["instrument.model"], serialNumberError: errors["instrument.serialNumber"], notesError: errors["notes"]
            )
        }
        let priority = form["priority"] ?? Priority.standard.rawValue
        let labels: [String: String] = [
            "customerReference": display.text("portal.newOrder.reference"), "priority": display.text("portal.newOrder.priority"),
            "returnAddress": display.text("portal.newOrder.returnAddress"), "items": display.text("portal.newOrder.items"),
            "submission": display.text("portal.newOrder.submit"),
        ]
        let errors = problems.sorted { Self.order($0.key) < Self.order($1.key) }.map { field, message in
            PortalError(anchor: Self.anchor(field), label: Self.label(field, labels: labels, display: display), message: message)
        }
        let model = FormModel(
            submissionKey: key, reference: form["customerReference"] ?? "", referenceError: problems["customerReference"],
            priorities: Priority.allCases.map { Choice(value: $0.rawValue, label: display.status("priority", $0.rawValue), selected: $0.rawValue == priority) },
            returnAddress: form["returnAddress"] ?? "", returnAddressError: problems["returnAddress"], rows: rows, rowCount: count, errors: errors,
            itemsError: problems["items"] ?? problems["submission"]
        )
        return try area.page("portal/orders/new", titleKey: "portal.newOrder.title", model: model, request: request, context: context.root, status: status)
    }

    /// Submits the form as `POST /v1/orders` would (same validation, same transaction, same idempotency table), keyed by
    /// the form's own submission key: a second press of the button, or a reload, leads to the order already made.
    func submit(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let form = try await area.form(request, context: context.root)
        let count = min(max(Int(form["rows"] ?? "") ?? Self.defaultRows, 1), Self.maximumRows)
        let key = form["submissionKey"].flatMap { UUID(uuidString: $0) }?.uuidString.lowercased() ?? UUID().uuidString.lowercased()
        if form["action"] == "addRow" {
            return try await render(request, context: context, form: form, rows: min(count + 1, Self.maximumRows), problems: [:], key: key)
        }
        var problems = form.problems
        // The rows filled in, in order; the API's `items[n]` is the form's row `rows[n]`.
        var rows: [Int] = []
        var items: [OrderSubmission.ItemInput] = []
        for index in 0..<count {
            let prefix = "items[\(index)]."
            let typed = ["serviceCode", "instrumentId", "instrument.manufacturer", "instrument.model", "instrument.serialNumber", "notes"]
                .contains { form[prefix + $0] != nil }
            guard typed else { continue }
            var instrument = OrderSubmission.InstrumentInput.make(
                manufacturer: form[prefix + "instrument.manufacturer"], model: form[prefix + "instrument.model"],
                serialNumber: form[prefix + "instrument.serialNumber"], assetTag: nil, description: nil
            )
            if let chosen = form[prefix + "instrumentId"] {
                guard let id = UUID(uuidString: chosen), let registered = try? await services.instruments.find(id: id, scope: context.customerId) else {
                    problems[prefix + "instrument"] = display.text("portal.newOrder.unknownInstrument")
                    continue
                }
                instrument = OrderSubmission.InstrumentInput.make(
                    manufacturer: registered.manufacturer, model: registered.model, serialNumber: registered.serialNumber,
                    assetTag: registered.assetTag, description: registered.description
                )
            }
            rows.append(index)
            items.append(OrderSubmission.ItemInput.make(serviceCode: form[prefix + "serviceCode"], instrument: instrument, notes: form[prefix + "notes"]))
        }
        if items.isEmpty, problems.isEmpty { problems["items"] = display.text("portal.newOrder.noItems") }
        guard problems.isEmpty else {
            return try await render(request, context: context, form: form, rows: count, problems: problems, key: key, status: .unprocessableContent)
        }
        let submission = OrderSubmission.make(
            customerReference: form["customerReference"], priority: form["priority"], returnAddress: form["returnAddress"], items: items
        )
        let fingerprint = Self.fingerprint(form: form, count: count)
        do {
            let outcome = try await services.idempotency.run(customerId: context.customerId, key: "portal:" + key, fingerprint: fingerprint) { connection in
                // The audit event goes with the key and the stored response, in one statement (as the API's).
                let submitted = try await services.orders.submitLeavingAudit(submission, customerId: context.customerId, on: connection, audit: context.audit)
                return (201, submitted.json.bytes, submitted.audit)
            }
            let made = try JSONDecoder().decode(Made.self, from: Data(outcome.body))
            return area.redirect(
                to: "/portal/orders/\(made.id.uuidString.lowercased())", flash: outcome.replayed ? "portal.newOrder.already" : "portal.newOrder.submitted",
                made.number
            )
        } catch let problem as Problem where problem.status == .unprocessableContent {
            var problems: [String: String] = [:]
            var key = key
            for issue in problem.errors {
                if issue.field == "Idempotency-Key" {
                    // This form was submitted before and has been changed since: the next press makes a new order.
                    problems["submission"] = display.text("portal.newOrder.changedAfterSubmit")
                    key = UUID().uuidString.lowercased()
                } else {
                    problems[Self.formField(issue.field, rows: rows)] = issue.message
                }
            }
            if problems.isEmpty { problems["submission"] = problem.detail }
            return try await render(request, context: context, form: form, rows: count, problems: problems, key: key, status: .unprocessableContent)
        }
    }

    struct Made: Decodable {
        var id: UUID
        var number: String
    }

    /// The API's field (`items[1].instrument.model`) as the form's (`items[3].instrument.model` when row 3 was the second filled in).
    static func formField(_ field: String, rows: [Int]) -> String {
        guard field.hasPrefix("items["), let close = field.firstIndex(of: "]"),
            let index = Int(field[field.index(field.startIndex, offsetBy: 6)..<close]), rows.indices.contains(index)
        else { return field }
        return "items[\(rows[index])]" + field[field.index(after: close)...]
    }

    /// What the person asked for, whatever the form's token: the same content gives the same fingerprint.
    static func fingerprint(form: FormData, count: Int) -> String {
        var parts = ["customerReference", "priority", "returnAddress"].map { "\($0)=\(form[$0] ?? "")" }
        for index in 0..<count {
            for name in ["serviceCode", "instrumentId", "instrument.manufacturer", "instrument.model", "instrument.serialNumber", "notes"] {
                parts.append("items[\(index)].\(name)=\(form["items[\(index)].\(name)"] ?? "")")
            }
        }
        return SHA256.hash(data: Data(parts.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func anchor(_ field: String) -> String {
        if field == "submission" { return "items" }
        return field.replacingOccurrences(of: "[", with: "-").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "-")
    }

    static func order(_ field: String) -> String {
        let head = ["customerReference": "0", "priority": "1", "returnAddress": "2", "items": "3", "submission": "4"]
        if let rank = head[field] { return rank }
        return "5" + field
    }

    static func label(_ field: String, labels: [String: String], display: Display) -> String {
        if let label = labels[field] { return label }
        guard field.hasPrefix("items["), let close = field.firstIndex(of: "]"),
            let index = Int(field[field.index(field.startIndex, offsetBy: 6)..<close])
        else { return field }
        let rest = String(field[field.index(after: close)...].dropFirst())
        let keys = [
            "serviceCode": "portal.newOrder.service", "instrument": "portal.newOrder.registered", "instrument.manufacturer": "portal.newOrder.manufacturer",
            "instrument.model": "portal.newOrder.model", "instrument.serialNumber": "portal.newOrder.serialNumber", "notes": "portal.newOrder.notes",
        ]
        return display.text("portal.newOrder.item", String(index + 1)) + " · " + (keys[rest].map { display.text($0) } ?? rest)
    }
}

/// An option of a select, or a checkbox of a group.
struct Choice: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// One labelled fact of a detail page (`<dl class="facts">`).
struct PortalFact: Sendable {
    var label: String
    var value: String
    var href: String?

    init(label: String, value: String, href: String? = nil) {
        self.label = label
        self.value = value
        self.href = href
    }
}

/// A line of a page's error summary, linking to its field.
struct PortalError: Sendable {
    var anchor: String
    var label: String
    var message: String
}
