import Foundation
import Hummingbird
import LIMSCore
import Orders
import Samples
import Web

/// `/console/items/{id}`: one instrument in the lab's custody: what and whose it is, where it is, its chain of custody,
/// and, for reception (``ConsoleRules/receive``), the custody changes its state allows: `Move`, `Hold`, `Resume`,
/// `Reject`, `Return`. Each posts to `/console/items/{id}/<action>` and comes back here with a flash message; the
/// store's state rules decide, and a refusal (409) is an error flash, not an error page.
struct ItemPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/items/show"]

    /// The custody changes of an item, named as in their paths.
    enum Action: String, CaseIterable {
        case move, hold, resume, reject
        case giveBack = "return"
    }

    /// The ways an instrument leaves the lab (stored as the return's `method`).
    static let returnMethods = ["courier", "collected", "post"]

    struct ErrorLine {
        var anchor: String
        var label: String
        var message: String
    }

    typealias Option = FormField.Option

    /// A custody-change form: its path, the text typed (kept on a re-render) and the problem with it.
    struct ActionForm {
        var path: String
        var value: String
        var error: String?
    }

    struct ReturnForm {
        var path: String
        var methods: [Option]
        var methodError: String?
        var tracking: String
        var trackingError: String?
    }

    struct Model {
        var heading: String
        var labNumber: String?
        var instrument: String
        var serialNumber: String
        var assetTag: String?
        var description: String?
        var orderHref: String
        var orderNumber: String
        var customer: String
        var service: String
        var line: Int
        var status: String
        var statusClass: String
        var location: String?
        var condition: String?
        var conditionNotes: String?
        var receivedAt: String?
        var labelHref: String?
        var events: [TimelineEvent]
        var canAct: Bool
        var receiveHref: String?
        var move: ActionForm?
        var hold: ActionForm?
        var resume: ActionForm?
        var reject: ActionForm?
        var giveBack: ReturnForm?
        var noAction: Bool
        var errors: [ErrorLine]
    }

    /// What a refused form carried back to its page.
    struct Failed {
        var action: Action
        var form: FormData
        var messages: [String: String]
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("items/{id}", use: show)
        for action in Action.allCases {
            group.post("items/{id}/\(action.rawValue)") { request, context in try await perform(action, request: request, context: context) }
        }
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        let item = try await services.samples.item(id: try OrderPages.id(context), scope: nil)
        return try await render(item, request: request, context: context)
    }

    func render(_ item: SampleItem, request: Request, context: ConsoleContext, failed: Failed? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let display = area.display(request)
        let customer = try await services.customers.find(id: item.customerId)?.name ?? ""
        let custody = try await services.samples.custody(itemId: item.id, scope: nil, page: PageRequest(limit: 500)).items
        let canAct = context.staff.roles.contains(where: ConsoleRules.receive.contains)
        let base = "/console/items/\(item.id)"
        func form(_ action: Action, _ field: String, allowed: Set<ItemStatus>) -> ActionForm? {
            guard canAct, allowed.contains(item.status) else { return nil }
            let mine = failed?.action == action ? failed : nil
            return ActionForm(path: "\(base)/\(action.rawValue)", value: mine?.form.all(field).first ?? "", error: mine?.messages[field])
        }
        var giveBack: ReturnForm?
        if canAct, [.certified, .rejected].contains(item.status) {
            let mine = failed?.action == .giveBack ? failed : nil
            let chosen = mine?.form["method"]
            giveBack = ReturnForm(
                path: "\(base)/return",
                methods: Self.returnMethods.map { Option(value: $0, label: display.text("item.methods.\($0)"), selected: $0 == chosen) },
                methodError: mine?.messages["method"], tracking: mine?.form.all("trackingNumber").first ?? "",
                trackingError: mine?.messages["trackingNumber"]
            )
        }
        let move = form(.move, "location", allowed: [.received, .inTest, .onHold, .certified, .rejected])
        let hold = form(.hold, "reason", allowed: [.received, .inTest])
        let resume = form(.resume, "reason", allowed: [.onHold])
        let reject = form(.reject, "reason", allowed: [.received, .onHold, .inTest])
        var errors: [ErrorLine] = []
        if let failed {
            let labels = ["location": "item.location", "reason": "item.reason", "method": "item.returnMethod", "trackingNumber": "item.trackingNumber"]
            for field in ["location", "reason", "method", "trackingNumber"] {
                guard let message = failed.messages[field] else { continue }
                errors.append(ErrorLine(anchor: Self.anchor(failed.action, field), label: display.text(labels[field] ?? field), message: message))
            }
        }
        let model = Model(
            heading: item.number.map { display.text("item.heading", $0) } ?? display.text("item.headingAwaiting", String(item.lineNumber), item.orderNumber),
            labNumber: item.number, instrument: "\(item.instrument.manufacturer) \(item.instrument.model)", serialNumber: item.instrument.serialNumber,
            assetTag: item.instrument.assetTag, description: item.instrument.description, orderHref: "/console/orders/\(item.orderId)",
            orderNumber: item.orderNumber, customer: customer, service: item.serviceCode, line: item.lineNumber,
            status: display.status("item", item.status.rawValue), statusClass: Self.tagClass(item.status), location: item.location,
            condition: item.condition.map { display.text("item.conditions.\($0.rawValue)") }, conditionNotes: item.conditionNotes,
            receivedAt: item.receivedAt.map(display.time), labelHref: item.number == nil ? nil : "\(base)/label",
            events: custody.map { Self.event($0, display: display) }, canAct: canAct,
            receiveHref: canAct && item.status == .awaitingReceipt ? "/console/receipt?q=\(item.id)" : nil,
            move: move, hold: hold, resume: resume, reject: reject, giveBack: giveBack,
            noAction: canAct && item.status != .awaitingReceipt && move == nil && hold == nil && resume == nil && reject == nil && giveBack == nil,
            errors: errors
        )
        return try area.page("console/items/show", titleKey: "item.title", model: model, request: request, context: context.root, status: status)
    }

    // MARK: Custody changes

    func perform(_ action: Action, request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.receive)
        let id = try OrderPages.id(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        var check = Check(form: form, display: display)
        var location = "", reason = "", method = ""
        var optionalReason: String?, tracking: String?
        switch action {
        case .move: location = check.required("location", maxLength: 200, missing: "item.locationMissing")
        case .hold, .reject: reason = check.required("reason", maxLength: 2000, missing: "item.reasonMissing")
        case .resume: optionalReason = check.optional("reason", maxLength: 2000)
        case .giveBack:
            method = form["method"] ?? ""
            if !Self.returnMethods.contains(method) { check.messages["method"] = display.text("item.methodMissing") }
            tracking = check.optional("trackingNumber", maxLength: 100)
        }
        let path = "/console/items/\(id)"
        if !check.messages.isEmpty {
            let item = try await services.samples.item(id: id, scope: nil)
            return try await render(
                item, request: request, context: context, failed: Failed(action: action, form: form, messages: check.messages), status: .unprocessableContent
            )
        }
        do {
            let samples = services.samples
            let audit = context.audit
            let item: SampleItem
            switch action {
            case .move: item = try await samples.move(itemId: id, to: location, audit: audit)
            case .hold: item = try await samples.hold(itemId: id, reason: reason, audit: audit)
            case .resume: item = try await samples.resume(itemId: id, reason: optionalReason, audit: audit)
            case .reject: item = try await samples.reject(itemId: id, reason: reason, audit: audit)
            case .giveBack: item = try await samples.returnToOwner(itemId: id, method: method, trackingNumber: tracking, audit: audit)
            }
            let name = item.number ?? item.instrument.serialNumber
            return area.redirect(to: path, flash: "item.done.\(action.rawValue)", name, item.location ?? "")
        } catch let problem as Problem where problem.status == .conflict {
            let item = try await services.samples.item(id: id, scope: nil)
            return area.redirect(to: path, flash: "item.conflict", display.status("item", item.status.rawValue), error: true)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            let item = try await services.samples.item(id: id, scope: nil)
            var messages: [String: String] = [:]
            for issue in problem.errors { messages[issue.field] = issue.message }
            if messages.isEmpty { messages[action == .move ? "location" : action == .giveBack ? "method" : "reason"] = problem.detail }
            return try await render(
                item, request: request, context: context, failed: Failed(action: action, form: form, messages: messages), status: .unprocessableContent
            )
        }
    }

    // MARK: Shared by the order, receipt and item pages

    /// Checks a form's text fields as the API does, collecting messages (in the person's language) by field name.
    struct Check {
        let form: FormData
        let display: Display
        var messages: [String: String] = [:]

        /// The trimmed text of `name`; a message (`missing` when blank) and `""` when it is not acceptable.
        mutating func required(_ name: String, maxLength: Int, missing: String) -> String {
            guard form.problems[name] == nil else {
                messages[name] = display.text("item.textInvalid", String(maxLength))
                return ""
            }
            guard let value = form[name] else {
                messages[name] = display.text(missing)
                return ""
            }
            guard value.count <= maxLength else {
                messages[name] = display.text("item.textInvalid", String(maxLength))
                return ""
            }
            return value
        }

        /// The trimmed text of `name`, `nil` when blank; a message when it is not acceptable.
        mutating func optional(_ name: String, maxLength: Int) -> String? {
            guard form.problems[name] == nil else {
                messages[name] = display.text("item.textInvalid", String(maxLength))
                return nil
            }
            guard let value = form[name] else { return nil }
            guard value.count <= maxLength else {
                messages[name] = display.text("item.textInvalid", String(maxLength))
                return nil
            }
            return value
        }
    }

    static func anchor(_ action: Action, _ field: String) -> String {
        "\(action.rawValue)-\(field == "trackingNumber" ? "tracking" : field)"
    }

    static func event(_ event: CustodyEvent, display: Display) -> TimelineEvent {
        display.custodyEvent(
            at: event.at, action: event.action.rawValue, actor: event.actor, fromLocation: event.fromLocation, toLocation: event.toLocation,
            fromStatus: event.fromStatus, toStatus: event.toStatus, details: event.details, reason: event.reason
        )
    }

    static func instrumentText(_ instrument: Instrument) -> String {
        "\(instrument.manufacturer) \(instrument.model) · \(instrument.serialNumber)"
    }

    static func tagClass(_ status: ItemStatus) -> String {
        switch status {
        case .received, .inTest, .certified, .returned: "tag tag-ok"
        case .onHold, .rejected: "tag tag-bad"
        case .awaitingReceipt: "tag"
        }
    }

    /// Text for a `?q=` value (a scan), percent-encoded as a form would send it.
    static func queryEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
