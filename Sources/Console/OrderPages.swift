import Foundation
import Hummingbird
import LIMSCore
import Orders
import Web

/// `/console/orders`: orders by status, newest first, paged; `/console/orders/{id}`: one order with its items and
/// quote, and, while it is submitted, contract review (`Accept`, or `Reject` with a reason the customer sees).
struct OrderPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/orders/index", "console/orders/show"]

    typealias Option = FormField.Option

    struct OrderRow {
        var href: String
        var number: String
        var customer: String
        var reference: String
        var priority: String
        var expedited: Bool
        var status: String
        var statusClass: String
        var submitted: String
        var itemCount: Int
    }

    struct ListModel {
        var statuses: [Option]
        var rows: [OrderRow]
        var filtered: Bool
        var nextHref: String?
        var firstHref: String?
    }

    struct ItemRow {
        var line: Int
        var href: String
        var service: String
        var instrument: String
        var status: String
        var statusClass: String
        var labNumber: String?
    }

    struct QuoteLine {
        var service: String
        var description: String
        var price: String
    }

    struct Total {
        var label: String
        var amount: String
        var grand: Bool
    }

    struct Model {
        var heading: String
        var number: String
        var customer: String
        var reference: String
        var priority: String
        var expedited: Bool
        var status: String
        var statusClass: String
        var submitted: String
        var decided: String?
        var completed: String?
        var rejectionReason: String?
        var returnAddress: String?
        var items: [ItemRow]
        var quoteLines: [QuoteLine]
        var totals: [Total]
        var canDecide: Bool
        var acceptPath: String
        var rejectPath: String
        var reason: String
        var reasonError: String?
        var errors: [ItemPages.ErrorLine]
        var receiptHref: String?
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("orders", use: list)
        group.get("orders/{id}", use: show)
        group.post("orders/{id}/accept", use: accept)
        group.post("orders/{id}/reject", use: reject)
    }

    // MARK: List

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let query = FormData(urlEncoded: request.uri.query ?? "")
        let status = query["status"].flatMap(OrderStatus.init(rawValue:))
        let cursor = query["cursor"].flatMap { try? PageRequest(query: ["cursor": $0]) }?.cursor
        let page: Page<Order>
        do {
            page = try await services.orders.list(scope: nil, status: status, customerId: nil, page: PageRequest(limit: 50, cursor: cursor))
        } catch let problem as Problem where problem.status == .unprocessableContent {
            page = try await services.orders.list(scope: nil, status: status, customerId: nil, page: PageRequest(limit: 50))
        }
        var names: [UUID: String] = [:]
        var rows: [OrderRow] = []
        for order in page.items {
            if names[order.customerId] == nil { names[order.customerId] = try await services.customers.find(id: order.customerId)?.name ?? "" }
            rows.append(
                OrderRow(
                    href: "/console/orders/\(order.id)", number: order.number, customer: names[order.customerId] ?? "",
                    reference: order.customerReference, priority: display.status("priority", order.priority.rawValue),
                    expedited: order.priority == .expedited, status: display.status("order", order.status.rawValue),
                    statusClass: Self.tagClass(order.status), submitted: display.time(order.submittedAt), itemCount: order.items.count
                )
            )
        }
        let statusQuery = status.map { "status=\($0.rawValue)" }
        let model = ListModel(
            statuses: [Option(value: "", label: display.text("ordersPage.allStatuses"), selected: status == nil)]
                + OrderStatus.allCases.map { Option(value: $0.rawValue, label: display.status("order", $0.rawValue), selected: $0 == status) },
            rows: rows, filtered: status != nil,
            nextHref: page.nextCursor.map { "/console/orders?" + ([statusQuery, "cursor=\($0)"].compactMap { $0 }).joined(separator: "&") },
            firstHref: cursor == nil ? nil : "/console/orders" + (statusQuery.map { "?" + $0 } ?? "")
        )
        return try area.page("console/orders/index", titleKey: "ordersPage.title", model: model, request: request, context: context.root)
    }

    // MARK: One order

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        let order = try await services.orders.order(id: try Self.id(context), scope: nil)
        return try await render(order, request: request, context: context)
    }

    func render(
        _ order: Order, request: Request, context: ConsoleContext, reason: String = "", reasonError: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        let customer = try await services.customers.find(id: order.customerId)?.name ?? ""
        let labNumbers = Dictionary(
            uniqueKeysWithValues: (try await services.samples.items(orderId: order.id, scope: nil) ?? []).map { ($0.id, $0.number) }
        )
        let items = order.items.map { item in
            ItemRow(
                line: item.lineNumber, href: "/console/items/\(item.id)", service: item.serviceCode,
                instrument: ItemPages.instrumentText(item.instrument), status: display.status("item", item.status.rawValue),
                statusClass: ItemPages.tagClass(item.status), labNumber: labNumbers[item.id] ?? nil
            )
        }
        let quote = order.quote
        var totals = [Total(label: display.text("ordersPage.subtotal"), amount: display.money(quote.subtotal), grand: false)]
        if quote.discount.amountMinor != 0 || quote.discountBasisPoints != 0 {
            totals.append(
                Total(
                    label: display.text("ordersPage.discount", Self.percent(quote.discountBasisPoints)),
                    amount: display.money(Money(amountMinor: -quote.discount.amountMinor, currency: quote.currency)), grand: false
                )
            )
        }
        if quote.expedited { totals.append(Total(label: display.text("ordersPage.surcharge"), amount: display.money(quote.surcharge), grand: false)) }
        totals.append(Total(label: display.text("ordersPage.tax", Self.percent(quote.taxRateBasisPoints)), amount: display.money(quote.tax), grand: false))
        totals.append(Total(label: display.text("ordersPage.total"), amount: display.money(quote.total), grand: true))
        let canReceive = context.has(.admin, .receptionist) && (order.status == .accepted || order.status == .inProgress)
            && order.items.contains { $0.status == .awaitingReceipt }
        let errors = reasonError.map { [ItemPages.ErrorLine(anchor: "reason", label: display.text("ordersPage.reason"), message: $0)] } ?? []
        let model = Model(
            heading: display.text("ordersPage.orderHeading", order.number), number: order.number, customer: customer,
            reference: order.customerReference, priority: display.status("priority", order.priority.rawValue), expedited: order.priority == .expedited,
            status: display.status("order", order.status.rawValue), statusClass: Self.tagClass(order.status),
            submitted: display.time(order.submittedAt), decided: order.decidedAt.map(display.time), completed: order.completedAt.map(display.time),
            rejectionReason: order.rejectionReason, returnAddress: order.returnAddress, items: items,
            quoteLines: quote.lines.map { QuoteLine(service: $0.serviceCode, description: $0.description, price: display.money($0.unitPrice)) },
            totals: totals, canDecide: order.status == .submitted && context.staff.roles.contains(where: ConsoleRules.contractReview.contains),
            acceptPath: "/console/orders/\(order.id)/accept", rejectPath: "/console/orders/\(order.id)/reject", reason: reason,
            reasonError: reasonError, errors: errors,
            receiptHref: canReceive ? "/console/receipt?q=" + ItemPages.queryEncoded(order.number) : nil
        )
        return try area.page("console/orders/show", titleKey: "ordersPage.title", model: model, request: request, context: context.root, status: status)
    }

    // MARK: Contract review

    func accept(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.contractReview)
        let id = try Self.id(context)
        do {
            let order = try await services.orders.accept(id: id, audit: context.audit)
            return area.redirect(to: "/console/orders/\(id)", flash: "ordersPage.acceptedFlash", order.number)
        } catch let problem as Problem where problem.status == .conflict {
            return try await refused(id: id, request: request)
        }
    }

    func reject(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.contractReview)
        let id = try Self.id(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        var check = ItemPages.Check(form: form, display: display)
        let reason = check.required("reason", maxLength: 2000, missing: "ordersPage.reasonMissing")
        if let message = check.messages["reason"] {
            let order = try await services.orders.order(id: id, scope: nil)
            return try await render(
                order, request: request, context: context, reason: form.all("reason").first ?? "", reasonError: message, status: .unprocessableContent
            )
        }
        do {
            let order = try await services.orders.reject(id: id, reason: reason, audit: context.audit)
            return area.redirect(to: "/console/orders/\(id)", flash: "ordersPage.rejectedFlash", order.number)
        } catch let problem as Problem where problem.status == .conflict {
            return try await refused(id: id, request: request)
        }
    }

    /// Someone else decided first (or the order was cancelled): back to the order, saying what it is now.
    func refused(id: UUID, request: Request) async throws -> Response {
        let order = try await services.orders.order(id: id, scope: nil)
        let status = area.display(request).status("order", order.status.rawValue)
        return area.redirect(to: "/console/orders/\(id)", flash: "ordersPage.notSubmitted", order.number, status, error: true)
    }

    // MARK: Helpers

    static func id(_ context: ConsoleContext) throws -> UUID {
        guard let id = context.parameters.get("id", as: UUID.self) else { throw WebError.notFound }
        return id
    }

    static func tagClass(_ status: OrderStatus) -> String {
        switch status {
        case .accepted, .inProgress, .completed: "tag tag-ok"
        case .rejected, .cancelled: "tag tag-bad"
        case .submitted: "tag"
        }
    }

    /// `650` → `6.5%`.
    static func percent(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = abs(basisPoints % 100)
        guard fraction != 0 else { return "\(whole)%" }
        var digits = String(format: "%02d", fraction)
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)%"
    }
}
