import Foundation
import Hummingbird
import LIMSCore
import Orders
import Samples
import Web

/// `/console/receipt`: the receipt desk. One field takes whatever is scanned or typed (an order number, an item's lab
/// number, an item or order id, or an instrument's serial number) and shows the items it names; each item awaiting
/// receipt of an accepted order has `Receive` (condition, location, notes), which posts to `/console/items/{id}/receive`
/// and comes back to the same scan with the new lab number, the focus in the scan field for the next instrument.
/// `/console/items/{id}/label`: the printable label of a received item, served as a document.
struct ReceiptPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/receipt/index"]

    struct OrderSummary {
        var number: String
        var href: String
        var customer: String
        var reference: String
        var status: String
        var statusClass: String
        var expedited: Bool
    }

    struct ReceiveForm {
        var path: String
        var legend: String
        var query: String
        var conditionId: String
        var locationId: String
        var notesId: String
        var conditions: [ItemPages.Option]
        var location: String
        var notes: String
        var conditionError: String?
        var locationError: String?
        var notesError: String?
    }

    struct ItemCard {
        var heading: String
        var service: String
        var instrument: String
        var status: String
        var statusClass: String
        var orderNumber: String
        var orderHref: String
        var itemHref: String
        var labNumber: String?
        var labelHref: String?
        var location: String?
        var receive: ReceiveForm?
        var waiting: String?
    }

    struct Model {
        var query: String
        var nothingFound: String?
        var order: OrderSummary?
        var items: [ItemCard]
        var errors: [ItemPages.ErrorLine]
    }

    /// A receipt the desk refused, shown again with the person's input and the problems beside the fields.
    struct Failed {
        var itemId: UUID
        var form: FormData
        var messages: [String: String]
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("receipt", use: desk)
        group.post("items/{id}/receive", use: receive)
        group.get("items/{id}/label", use: label)
    }

    func desk(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.receive)
        let query = FormData(urlEncoded: request.uri.query ?? "")["q"] ?? ""
        return try await render(query: query, request: request, context: context)
    }

    func render(query: String, request: Request, context: ConsoleContext, failed: Failed? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let display = area.display(request)
        var (order, items) = try await search(query)
        if let failed, !items.contains(where: { $0.id == failed.itemId }) {
            (order, items) = (nil, [try await services.samples.item(id: failed.itemId, scope: nil)])
        }
        var orders: [UUID: Order] = [:]
        if let order { orders[order.id] = order }
        var cards: [ItemCard] = []
        for item in items {
            if orders[item.orderId] == nil { orders[item.orderId] = try await services.orders.order(id: item.orderId, scope: nil) }
            guard let itemOrder = orders[item.orderId] else { continue }
            cards.append(card(item, order: itemOrder, query: query, failed: failed?.itemId == item.id ? failed : nil, display: display))
        }
        var summary: OrderSummary?
        if let order {
            let customer = try await services.customers.find(id: order.customerId)?.name ?? ""
            summary = OrderSummary(
                number: order.number, href: "/console/orders/\(order.id)", customer: customer, reference: order.customerReference,
                status: display.status("order", order.status.rawValue), statusClass: OrderPages.tagClass(order.status),
                expedited: order.priority == .expedited
            )
        }
        var errors: [ItemPages.ErrorLine] = []
        if let failed {
            let labels = ["condition": "receipt.condition", "location": "receipt.location", "notes": "receipt.notes"]
            for field in ["condition", "location", "notes"] {
                guard let message = failed.messages[field] else { continue }
                errors.append(ItemPages.ErrorLine(anchor: "\(field)-\(failed.itemId)", label: display.text(labels[field] ?? field), message: message))
            }
        }
        let model = Model(
            query: query, nothingFound: !query.isEmpty && cards.isEmpty && summary == nil ? display.text("receipt.nothingFound", query) : nil,
            order: summary, items: cards, errors: errors
        )
        return try area.page("console/receipt/index", titleKey: "receipt.title", model: model, request: request, context: context.root, status: status)
    }

    func card(_ item: SampleItem, order: Order, query: String, failed: Failed?, display: Display) -> ItemCard {
        let open = order.status == .accepted || order.status == .inProgress
        var receive: ReceiveForm?
        if item.status == .awaitingReceipt, open {
            let chosen = failed?.form["condition"] ?? ItemCondition.ok.rawValue
            receive = ReceiveForm(
                path: "/console/items/\(item.id)/receive", legend: display.text("receipt.receiveLegend", String(item.lineNumber)),
                query: query, conditionId: "condition-\(item.id)", locationId: "location-\(item.id)", notesId: "notes-\(item.id)",
                conditions: ItemCondition.allCases.map {
                    ItemPages.Option(value: $0.rawValue, label: display.text("item.conditions.\($0.rawValue)"), selected: $0.rawValue == chosen)
                },
                location: failed?.form.all("location").first ?? "", notes: failed?.form.all("notes").first ?? "",
                conditionError: failed?.messages["condition"], locationError: failed?.messages["location"], notesError: failed?.messages["notes"]
            )
        }
        let waiting = item.status == .awaitingReceipt && !open
            ? display.text("receipt.notOpen", order.number, display.status("order", order.status.rawValue)) : nil
        return ItemCard(
            heading: display.text("receipt.line", String(item.lineNumber), order.number), service: item.serviceCode,
            instrument: ItemPages.instrumentText(item.instrument), status: display.status("item", item.status.rawValue),
            statusClass: ItemPages.tagClass(item.status), orderNumber: order.number, orderHref: "/console/orders/\(order.id)",
            itemHref: "/console/items/\(item.id)", labNumber: item.number, labelHref: item.number == nil ? nil : "/console/items/\(item.id)/label",
            location: item.location, receive: receive, waiting: waiting
        )
    }

    /// What a scan names: an order (`ORD-…`, or an order id) with its items, an item (`ITM-…`, or an item id), or the
    /// items whose instrument has that serial number. Nothing at all for anything else.
    func search(_ query: String) async throws -> (order: Order?, items: [SampleItem]) {
        guard !query.isEmpty else { return (nil, []) }
        let upper = query.uppercased()
        if upper.hasPrefix("ORD-") {
            guard let order = try await services.orders.order(number: upper, scope: nil) else { return (nil, []) }
            return (order, try await services.samples.items(orderId: order.id, scope: nil) ?? [])
        }
        if upper.hasPrefix("ITM-") {
            return (nil, try await services.samples.find(serialNumber: nil, number: upper, scope: nil, page: PageRequest(limit: 1)).items)
        }
        if let id = UUID(uuidString: query) {
            do {
                return (nil, [try await services.samples.item(id: id, scope: nil)])
            } catch let problem as Problem where problem.status == .notFound {}
            guard let items = try await services.samples.items(orderId: id, scope: nil) else { return (nil, []) }
            return (try await services.orders.order(id: id, scope: nil), items)
        }
        return (nil, try await services.samples.find(serialNumber: query, number: nil, scope: nil, page: PageRequest(limit: 50)).items)
    }

    // MARK: Receive

    func receive(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.receive)
        let id = try OrderPages.id(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        let query = form["q"] ?? ""
        var check = ItemPages.Check(form: form, display: display)
        let condition = form["condition"].flatMap(ItemCondition.init(rawValue:))
        if condition == nil { check.messages["condition"] = display.text("receipt.conditionMissing") }
        let location = check.required("location", maxLength: 200, missing: "receipt.locationMissing")
        let notes = check.optional("notes", maxLength: 2000)
        guard let condition, check.messages.isEmpty else {
            _ = try await services.samples.item(id: id, scope: nil)
            return try await render(
                query: query, request: request, context: context, failed: Failed(itemId: id, form: form, messages: check.messages),
                status: .unprocessableContent
            )
        }
        do {
            let item = try await services.samples.receive(itemId: id, condition: condition, notes: notes, location: location, audit: context.audit)
            let number = item.number ?? ""
            return area.redirect(
                to: "/console/receipt?q=" + ItemPages.queryEncoded(query.isEmpty ? number : query), flash: "receipt.receivedFlash", number,
                item.instrument.serialNumber
            )
        } catch let problem as Problem where problem.status == .conflict {
            let item = try await services.samples.item(id: id, scope: nil)
            let back = "/console/receipt?q=" + ItemPages.queryEncoded(query.isEmpty ? id.uuidString : query)
            if item.status != .awaitingReceipt {
                return area.redirect(to: back, flash: "item.conflict", display.status("item", item.status.rawValue), error: true)
            }
            let order = try await services.orders.order(id: item.orderId, scope: nil)
            return area.redirect(to: back, flash: "receipt.notOpen", order.number, display.status("order", order.status.rawValue), error: true)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            var messages: [String: String] = [:]
            for issue in problem.errors { messages[issue.field] = issue.message }
            if messages.isEmpty { messages["location"] = problem.detail }
            return try await render(
                query: query, request: request, context: context, failed: Failed(itemId: id, form: form, messages: messages),
                status: .unprocessableContent
            )
        }
    }

    // MARK: Label

    /// The label as a document (its own headers: no script, inline styles only), for any member of staff.
    func label(_ request: Request, context: ConsoleContext) async throws -> Response {
        let html = try await services.samples.label(itemId: try OrderPages.id(context))
        return DocumentFormat.document(html, contentType: "text/html; charset=utf-8")
    }
}
