import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/console/admin/customers`: the customers with `Add customer`; `/console/admin/customers/{id}`: a customer's
/// facts and API keys, with `Issue API key` (the new key shown once, on the answer to the form) and `Revoke`.
struct AdminCustomerPages {
    let area: ConsoleArea
    let services: ConsoleServices

    struct Row {
        var href: String
        var code: String
        var name: String
        var currency: String
        var discount: String
        var paymentTerms: String
    }

    struct ListModel {
        var rows: [Row]
        var nextHref: String?
        var errors: [ErrorLink]
        var code: AdminField
        var name: AdminField
        var address: AdminField
        var taxId: AdminField
        var currency: AdminField
        var billingEmail: AdminField
        var discount: AdminField
        var taxRate: AdminField
        var paymentTermsDays: AdminField
    }

    struct KeyRow {
        var label: String
        var prefix: String
        var created: String
        var revoked: String?
        var revokeAction: String
    }

    struct IssuedKey {
        var key: String
        var prefix: String
    }

    struct ShowModel {
        var name: String
        var code: String
        var address: String
        var taxId: String?
        var currency: String
        var billingEmail: String
        var discount: String
        var taxRate: String
        var paymentTerms: String
        var created: String
        var keys: [KeyRow]
        var issued: IssuedKey?
        var issueAction: String
        var errors: [ErrorLink]
        var label: AdminField
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("customers", use: list)
        group.post("customers", use: create)
        group.get("customers/{id}", use: show)
        group.post("customers/{id}", use: issueKey)
        group.post("customers/{id}/keys/{key}/revoke", use: revokeKey)
    }

    // MARK: The list and the new customer

    static let newFields = ["code", "name", "address", "taxId", "currency", "billingEmail", "discount", "taxRate", "paymentTermsDays"]

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await renderList(request, context: context, form: AdminForm(values: ["currency": "CNY", "discount": "0", "paymentTermsDays": "30"]))
    }

    func renderList(_ request: Request, context: ConsoleContext, form: AdminForm, status: HTTPResponse.Status = .ok) async throws -> Response {
        let display = area.display(request)
        let page = try await services.customers.list(page: AdminPages.pageRequest(request))
        let rows = page.items.map {
            Row(
                href: "/console/admin/customers/\($0.id)", code: $0.code, name: $0.name, currency: $0.currency,
                discount: AdminParse.percentText($0.discountBasisPoints), paymentTerms: display.text("admin.customers.days", String($0.paymentTermsDays))
            )
        }
        let labels = Self.newFields.map { (field: $0, label: display.text("admin.customers.\($0)"), anchor: $0) }
        let model = ListModel(
            rows: rows, nextHref: page.nextCursor.map { "/console/admin/customers?cursor=\($0)" }, errors: form.summary(labels),
            code: form.field("code", hint: display.text("admin.customers.codeHint")), name: form.field("name"), address: form.field("address"),
            taxId: form.field("taxId"), currency: form.field("currency", hint: display.text("admin.customers.currencyHint")),
            billingEmail: form.field("billingEmail"), discount: form.field("discount"), taxRate: form.field("taxRate"),
            paymentTermsDays: form.field("paymentTermsDays")
        )
        return try area.page("console/admin/customers/index", titleKey: "admin.customers.title", model: model, request: request, context: context.root, status: status)
    }

    func create(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        var form = AdminForm(try await area.form(request, context: context.root), fields: Self.newFields, display: display)
        form["currency"] = form["currency"].uppercased()
        let discount = AdminParse.percent(&form, "discount", maximum: 100, display: display)
        let taxRate = AdminParse.percent(&form, "taxRate", maximum: 100, display: display)
        let terms = AdminParse.integer(&form, "paymentTermsDays", range: 0...365, required: true, display: display)
        var input = CustomerStore.NewCustomer(
            code: form["code"], name: form["name"], address: form["address"], taxId: nil, currency: form["currency"],
            billingEmail: form["billingEmail"], discountBasisPoints: 0, taxRateBasisPoints: 0, paymentTermsDays: 30
        )
        input.taxId = form["taxId"].isEmpty ? nil : form["taxId"]
        input.discountBasisPoints = discount
        input.taxRateBasisPoints = taxRate
        input.paymentTermsDays = terms
        if form.failed {
            // The module checks the rest only when the numbers can be sent; say now what is plainly missing too.
            for field in ["code", "name", "address", "currency", "billingEmail"] where form[field].isEmpty {
                form.fail(field, display.text("admin.issue.required"))
            }
            return try await renderList(request, context: context, form: form, status: .unprocessableContent)
        }
        do {
            let customer = try await services.customers.create(input, audit: context.audit)
            return area.redirect(to: "/console/admin/customers/\(customer.id)", flash: "admin.customers.added", customer.name)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            form.add(problem, display: display)
            return try await renderList(request, context: context, form: form, status: .unprocessableContent)
        } catch let problem as Problem where problem.status == .conflict {
            form.fail("code", display.text("admin.issue.codeTaken"))
            return try await renderList(request, context: context, form: form, status: .conflict)
        }
    }

    // MARK: One customer and its keys

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, id: try AdminPages.uuid(context, "id"), form: AdminForm())
    }

    func render(
        _ request: Request, context: ConsoleContext, id: UUID, form: AdminForm, issued: APIKeyStore.IssuedKey? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let customer = try await services.customers.find(id: id) else { throw WebError.notFound }
        let display = area.display(request)
        let keys = try await services.apiKeys.list(customerId: id).map {
            KeyRow(
                label: $0.label ?? display.text("admin.keys.noLabel"), prefix: $0.prefix, created: display.time($0.createdAt),
                revoked: $0.revokedAt.map { display.text("admin.keys.revokedAt", display.time($0)) }, revokeAction: "/console/admin/customers/\(id)/keys/\($0.id)/revoke"
            )
        }
        let model = ShowModel(
            name: customer.name, code: customer.code, address: customer.address, taxId: customer.taxId, currency: customer.currency,
            billingEmail: customer.billingEmail, discount: AdminParse.percentText(customer.discountBasisPoints),
            taxRate: AdminParse.percentText(customer.taxRateBasisPoints),
            paymentTerms: display.text("admin.customers.days", String(customer.paymentTermsDays)), created: display.time(customer.createdAt),
            keys: keys, issued: issued.map { IssuedKey(key: $0.key, prefix: $0.prefix) }, issueAction: "/console/admin/customers/\(id)",
            errors: form.summary([("label", display.text("admin.keys.label"), "label")]), label: form.field("label", hint: display.text("admin.keys.labelHint"))
        )
        var response = try area.page(
            "console/admin/customers/show", titleKey: "admin.customers.showTitle", model: model, request: request, context: context.root, status: status
        )
        // A page that shows a secret must not stay in any cache.
        if issued != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// Issues a key and answers with the customer's page showing it, once: it is in no redirect, cookie or log.
    func issueKey(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try AdminPages.uuid(context, "id")
        guard try await services.customers.find(id: id) != nil else { throw WebError.notFound }
        let display = area.display(request)
        var form = AdminForm(try await area.form(request, context: context.root), fields: ["label"], display: display)
        if form["label"].count > 200 { form.fail("label", display.text("admin.issue.maxLength", "200")) }
        if form.failed { return try await render(request, context: context, id: id, form: form, status: .unprocessableContent) }
        let issued = try await services.apiKeys.issue(customerId: id, label: form["label"].isEmpty ? nil : form["label"], audit: context.audit)
        return try await render(request, context: context, id: id, form: AdminForm(), issued: issued)
    }

    func revokeKey(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try AdminPages.uuid(context, "id")
        let keyId = try AdminPages.uuid(context, "key")
        // Only a key of this customer: another's key is no page here.
        guard let key = try await services.apiKeys.list(customerId: id).first(where: { $0.id == keyId }) else { throw WebError.notFound }
        let back = "/console/admin/customers/\(id)"
        if key.revokedAt != nil { return area.redirect(to: back, flash: "admin.keys.alreadyRevoked", key.prefix, error: true) }
        do {
            try await services.apiKeys.revoke(id: keyId, audit: context.audit)
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: back, flash: "admin.keys.alreadyRevoked", key.prefix, error: true)
        }
        return area.redirect(to: back, flash: "admin.keys.revokeDone", key.prefix)
    }
}
