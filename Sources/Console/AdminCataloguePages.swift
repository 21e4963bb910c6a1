import Foundation
import Hummingbird
import LIMSCore
import Orders
import Web

/// `/console/admin/catalogue`: the services with `Add service`; `/console/admin/catalogue/{code}`: a service with its
/// price history and `Change price` (orders keep the price they were quoted).
struct AdminCataloguePages {
    let area: ConsoleArea
    let services: ConsoleServices

    struct Row {
        var href: String
        var code: String
        var title: String
        var kind: String
        var instrumentCategory: String
        var unit: String
        var range: String
        var method: String
        var price: String
        var turnaround: String
        var accredited: Bool
        var accreditedText: String
    }

    typealias Option = FormField.Option

    struct ListModel {
        var rows: [Row]
        var errors: [ErrorLink]
        var code: AdminField
        var title: AdminField
        var kind: AdminField
        var kinds: [Option]
        var instrumentCategory: AdminField
        var quantity: AdminField
        var unit: AdminField
        var range: AdminField
        var method: AdminField
        var accredited: Bool
        var amount: AdminField
        var currency: AdminField
        var turnaroundDays: AdminField
        var surcharge: AdminField
        var mpe: AdminField
        var decisionRule: AdminField
        var decisionRules: [Option]
        var verificationPeriodMonths: AdminField
    }

    struct PriceRow {
        var price: String
        var validFrom: String
        var current: Bool
    }

    struct ShowModel {
        var code: String
        var title: String
        var kind: String
        var instrumentCategory: String
        var quantity: String
        var unit: String
        var range: String
        var method: String
        var accredited: String
        var price: String
        var turnaround: String
        var surcharge: String
        var mpe: String?
        var decisionRule: String
        var verificationPeriod: String?
        var history: [PriceRow]
        var priceAction: String
        var errors: [ErrorLink]
        var amount: AdminField
        var currency: AdminField
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("catalogue", use: list)
        group.post("catalogue", use: create)
        group.get("catalogue/{code}", use: show)
        group.post("catalogue/{code}", use: changePrice)
    }

    // MARK: The list and the new service

    static let newFields = [
        "code", "title", "kind", "instrumentCategory", "quantity", "unit", "range", "method", "amount", "currency", "turnaroundDays", "surcharge",
        "mpe", "decisionRule", "verificationPeriodMonths",
    ]

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        let defaults = AdminForm(values: [
            "kind": ServiceKind.calibration.rawValue, "currency": "CNY", "turnaroundDays": "7", "surcharge": "50",
            "decisionRule": DecisionRuleName.simple.rawValue,
        ])
        return try await renderList(request, context: context, form: defaults, accredited: true)
    }

    func renderList(
        _ request: Request, context: ConsoleContext, form: AdminForm, accredited: Bool, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        let rows = try await services.catalogue.list().map {
            Row(
                href: "/console/admin/catalogue/\($0.code)", code: $0.code, title: $0.title, kind: display.text("admin.kind.\($0.kind.rawValue)"),
                instrumentCategory: $0.instrumentCategory, unit: $0.unit, range: $0.range, method: $0.method, price: display.money($0.price),
                turnaround: display.text("admin.customers.days", String($0.turnaroundDays)), accredited: $0.accredited,
                accreditedText: display.text($0.accredited ? "admin.yes" : "admin.no")
            )
        }
        let labels = Self.newFields.map { (field: $0, label: display.text("admin.service.\($0)"), anchor: $0) }
        let model = ListModel(
            rows: rows, errors: form.summary(labels), code: form.field("code", hint: display.text("admin.service.codeHint")), title: form.field("title"),
            kind: form.field("kind"),
            kinds: ServiceKind.allCases.map { Option(value: $0.rawValue, label: display.text("admin.kind.\($0.rawValue)"), selected: form["kind"] == $0.rawValue) },
            instrumentCategory: form.field("instrumentCategory"), quantity: form.field("quantity", hint: display.text("admin.service.quantityHint")),
            unit: form.field("unit"), range: form.field("range"), method: form.field("method", hint: display.text("admin.service.methodHint")),
            accredited: accredited, amount: form.field("amount", hint: display.text("admin.service.amountHint")), currency: form.field("currency"),
            turnaroundDays: form.field("turnaroundDays"), surcharge: form.field("surcharge"),
            mpe: form.field("mpe", hint: display.text("admin.service.mpeHint")), decisionRule: form.field("decisionRule"),
            decisionRules: DecisionRuleName.allCases.map {
                Option(value: $0.rawValue, label: display.text("admin.rule.\($0.rawValue)"), selected: form["decisionRule"] == $0.rawValue)
            },
            verificationPeriodMonths: form.field("verificationPeriodMonths", hint: display.text("admin.service.verificationHint"))
        )
        return try area.page("console/admin/catalogue/index", titleKey: "admin.catalogue.title", model: model, request: request, context: context.root, status: status)
    }

    func create(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let posted = try await area.form(request, context: context.root)
        var form = AdminForm(posted, fields: Self.newFields, display: display)
        let accredited = posted["accredited"] != nil
        form["currency"] = form["currency"].uppercased()
        let amount = AdminParse.amount(&form, "amount", currency: form["currency"], display: display)
        let turnaround = AdminParse.integer(&form, "turnaroundDays", range: 1...365, required: true, display: display)
        let surcharge = AdminParse.percent(&form, "surcharge", maximum: 1000, display: display)
        let months = AdminParse.integer(&form, "verificationPeriodMonths", range: 1...120, required: false, display: display)
        if form.failed {
            // The module checks the rest only when the numbers can be sent; say now what is plainly missing too.
            for field in ["code", "title", "kind", "instrumentCategory", "quantity", "unit", "range", "method", "currency"] where form[field].isEmpty {
                form.fail(field, display.text("admin.issue.required"))
            }
            return try await renderList(request, context: context, form: form, accredited: accredited, status: .unprocessableContent)
        }
        let input = CatalogueStore.NewService.stated(
            code: form["code"], title: form["title"], kind: form["kind"], instrumentCategory: form["instrumentCategory"], quantity: form["quantity"],
            unit: form["unit"], range: form["range"], method: form["method"], accredited: accredited,
            price: amount.map { Money(amountMinor: $0, currency: form["currency"]) }, turnaroundDays: turnaround, expediteSurchargeBasisPoints: surcharge,
            mpe: form["mpe"].isEmpty ? nil : form["mpe"], decisionRule: form["decisionRule"].isEmpty ? nil : form["decisionRule"],
            verificationPeriodMonths: months
        )
        do {
            let service = try await services.catalogue.create(input, audit: context.audit)
            return area.redirect(to: "/console/admin/catalogue/\(service.code)", flash: "admin.catalogue.added", service.code)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            form.add(problem, display: display)
            return try await renderList(request, context: context, form: form, accredited: accredited, status: .unprocessableContent)
        } catch let problem as Problem where problem.status == .conflict {
            form.fail("code", display.text("admin.issue.codeTaken"))
            return try await renderList(request, context: context, form: form, accredited: accredited, status: .conflict)
        }
    }

    // MARK: One service and its prices

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, code: try Self.code(context), form: nil)
    }

    static func code(_ context: ConsoleContext) throws -> String {
        guard let code = context.parameters.get("code"), !code.isEmpty else { throw WebError.notFound }
        return code
    }

    func render(_ request: Request, context: ConsoleContext, code: String, form: AdminForm?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let service = try await services.catalogue.service(code: code) else { throw WebError.notFound }
        let display = area.display(request)
        let history = try await services.catalogue.priceHistory(code: code).reversed().enumerated().map { index, entry in
            PriceRow(price: display.money(entry.price), validFrom: display.time(entry.validFrom), current: index == 0)
        }
        let form = form ?? AdminForm(values: ["currency": service.price.currency])
        let model = ShowModel(
            code: service.code, title: service.title, kind: display.text("admin.kind.\(service.kind.rawValue)"), instrumentCategory: service.instrumentCategory,
            quantity: service.quantity, unit: service.unit, range: service.range, method: service.method,
            accredited: display.text(service.accredited ? "admin.yes" : "admin.no"), price: display.money(service.price),
            turnaround: display.text("admin.customers.days", String(service.turnaroundDays)),
            surcharge: AdminParse.percentText(service.expediteSurchargeBasisPoints), mpe: service.mpe.map { "\($0) \(service.unit)" },
            decisionRule: display.text("admin.rule.\(service.decisionRule.rawValue)"),
            verificationPeriod: service.verificationPeriodMonths.map { display.text("admin.service.months", String($0)) },
            history: history, priceAction: "/console/admin/catalogue/\(service.code)",
            errors: form.summary([("amount", display.text("admin.price.amount"), "amount"), ("currency", display.text("admin.price.currency"), "currency")]),
            amount: form.field("amount", hint: display.text("admin.price.amountHint", display.money(service.price))), currency: form.field("currency")
        )
        return try area.page("console/admin/catalogue/show", titleKey: "admin.catalogue.showTitle", model: model, request: request, context: context.root, status: status)
    }

    func changePrice(_ request: Request, context: ConsoleContext) async throws -> Response {
        let code = try Self.code(context)
        guard try await services.catalogue.exists(code: code) else { throw WebError.notFound }
        let display = area.display(request)
        var form = AdminForm(try await area.form(request, context: context.root), fields: ["amount", "currency"], display: display)
        form["currency"] = form["currency"].uppercased()
        let currency = form["currency"]
        if currency.isEmpty {
            form.fail("currency", display.text("admin.issue.required"))
        } else if !Currency.isValid(currency) {
            form.fail("currency", display.text("admin.issue.currency"))
        }
        let amount = AdminParse.amount(&form, "amount", currency: currency, display: display)
        guard !form.failed, let amount else { return try await render(request, context: context, code: code, form: form, status: .unprocessableContent) }
        do {
            let service = try await services.catalogue.changePrice(code: code, to: Money(amountMinor: amount, currency: currency), audit: context.audit)
            return area.redirect(to: "/console/admin/catalogue/\(code)", flash: "admin.price.changed", service.code, display.money(service.price))
        } catch let problem as Problem where problem.status == .unprocessableContent {
            form.add(problem, display: display)
            return try await render(request, context: context, code: code, form: form, status: .unprocessableContent)
        }
    }
}
