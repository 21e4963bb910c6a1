import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Orders
import Web

/// `/console/admin/staff`: the staff list with `Add staff member`; `/console/admin/staff/{id}`: a person's facts,
/// `Deactivate` and `Unlock`, and their authorisations per service and activity with `Grant authorisation`.
struct AdminStaffPages {
    let area: ConsoleArea
    let services: ConsoleServices

    struct Row {
        var href: String
        var name: String
        var email: String
        var roles: String
        var active: Bool
        var status: String
    }

    struct Option {
        var id: String
        var value: String
        var label: String
        var selected: Bool
    }

    struct ListModel {
        var rows: [Row]
        var nextHref: String?
        var errors: [ErrorLink]
        var email: AdminField
        var name: AdminField
        var roles: AdminField
        var roleOptions: [Option]
        var password: AdminField
    }

    struct AuthorizationRow {
        var service: String
        var serviceTitle: String
        var activity: String
        var validUntil: String
        var valid: Bool
        var grantedAt: String
    }

    struct ShowModel {
        var id: String
        var name: String
        var email: String
        var roles: String
        var active: Bool
        var status: String
        var created: String
        var signIn: String
        var canDeactivate: Bool
        var isSelf: Bool
        var authorizations: [AuthorizationRow]
        var errors: [ErrorLink]
        var serviceCode: AdminField
        var serviceOptions: [Option]
        var activity: AdminField
        var activityOptions: [Option]
        var validUntil: AdminField
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("staff", use: list)
        group.post("staff", use: create)
        group.get("staff/{id}", use: show)
        group.post("staff/{id}/deactivate", use: deactivate)
        group.post("staff/{id}/unlock", use: unlock)
        group.post("staff/{id}", use: grant)
    }

    // MARK: The list and the new person

    static let newFields = ["email", "name", "password"]

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await renderList(request, context: context, form: AdminForm(), roles: [])
    }

    func renderList(
        _ request: Request, context: ConsoleContext, form: AdminForm, roles chosen: [String], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        let page = try await services.staff.list(page: AdminPages.pageRequest(request))
        let rows = page.items.map { user in
            Row(
                href: "/console/admin/staff/\(user.id)", name: user.name, email: user.email, roles: display.list(user.roles.map(display.role)),
                active: user.active, status: display.text(user.active ? "admin.staff.active" : "admin.staff.inactive")
            )
        }
        let labels = [
            ("email", display.text("admin.staff.email"), "email"), ("name", display.text("admin.staff.name"), "name"),
            ("roles", display.text("admin.staff.roles"), "role-\(Role.allCases[0].rawValue)"),
            ("password", display.text("admin.staff.password"), "password"),
        ]
        let model = ListModel(
            rows: rows, nextHref: page.nextCursor.map { "/console/admin/staff?cursor=\($0)" }, errors: form.summary(labels),
            email: form.field("email"), name: form.field("name"), roles: form.field("roles"),
            roleOptions: Role.allCases.map { Option(id: "role-\($0.rawValue)", value: $0.rawValue, label: display.role($0), selected: chosen.contains($0.rawValue)) },
            password: form.field("password", hint: display.text("admin.staff.passwordHint", String(PasswordPolicy.minimumLength)))
        )
        return try area.page("console/admin/staff/index", titleKey: "admin.staff.title", model: model, request: request, context: context.root, status: status)
    }

    func create(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let posted = try await area.form(request, context: context.root)
        var form = AdminForm(posted, fields: Self.newFields, display: display)
        let roles = posted.all("roles")
        // The password as typed: spaces are part of it, and it is never shown back.
        let password = posted.all("password").first ?? ""
        form["password"] = ""
        if form.failed { return try await renderList(request, context: context, form: form, roles: roles, status: .unprocessableContent) }
        do {
            let user = try await services.staff.create(
                .init(email: form["email"], name: form["name"], roles: roles, password: password), audit: context.audit
            )
            return area.redirect(to: "/console/admin/staff/\(user.id)", flash: "admin.staff.added", user.name)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            form.add(problem, display: display)
            return try await renderList(request, context: context, form: form, roles: roles, status: .unprocessableContent)
        } catch let problem as Problem where problem.status == .conflict {
            form.fail("email", display.text("admin.issue.emailTaken"))
            return try await renderList(request, context: context, form: form, roles: roles, status: .conflict)
        }
    }

    // MARK: One person

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, id: try AdminPages.uuid(context, "id"), form: Self.grantDefaults())
    }

    static func grantDefaults() -> AdminForm {
        let nextYear = Calendar(identifier: .gregorian).date(byAdding: .year, value: 1, to: Date()) ?? Date()
        return AdminForm(values: ["activity": Activity.perform.rawValue, "validUntil": DateFormats.formatDay(nextYear)])
    }

    func render(_ request: Request, context: ConsoleContext, id: UUID, form: AdminForm, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let user = try await services.staff.find(id: id) else { throw WebError.notFound }
        let display = area.display(request)
        let catalogue = try await services.catalogue.list()
        let titles = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.code, $0.title) })
        let today = DateFormats.formatDay(Date())
        let authorizations = try await services.authorizations.list(userId: id).map {
            AuthorizationRow(
                service: $0.serviceCode, serviceTitle: titles[$0.serviceCode] ?? "", activity: display.text("admin.activity.\($0.activity.rawValue)"),
                validUntil: $0.validUntil, valid: $0.validUntil >= today, grantedAt: display.time($0.grantedAt)
            )
        }
        let lock = try await services.staff.signInLock(email: user.email)
        let signIn: String
        if let until = lock.lockedUntil {
            signIn = display.text("admin.staff.lockedUntil", display.time(until))
        } else if lock.attempts > 0 {
            signIn = display.text("admin.staff.failedAttempts", String(lock.attempts))
        } else {
            signIn = display.text("admin.staff.notLocked")
        }
        let labels = [
            ("serviceCode", display.text("admin.grant.service"), "serviceCode"), ("activity", display.text("admin.grant.activity"), "activity"),
            ("validUntil", display.text("admin.grant.validUntil"), "validUntil"), ("", display.text("admin.grant.heading"), "grant"),
        ]
        let isSelf = user.id == context.staff.id
        let model = ShowModel(
            id: user.id.uuidString, name: user.name, email: user.email, roles: display.list(user.roles.map(display.role)), active: user.active,
            status: display.text(user.active ? "admin.staff.active" : "admin.staff.inactive"), created: display.time(user.createdAt),
            signIn: signIn, canDeactivate: user.active && !isSelf, isSelf: isSelf, authorizations: authorizations,
            errors: form.summary(labels),
            serviceCode: form.field("serviceCode"),
            serviceOptions: catalogue.map { Option(id: "", value: $0.code, label: "\($0.code) · \($0.title)", selected: form["serviceCode"] == $0.code) },
            activity: form.field("activity"),
            activityOptions: Activity.allCases.map {
                Option(id: "", value: $0.rawValue, label: display.text("admin.activity.\($0.rawValue)"), selected: form["activity"] == $0.rawValue)
            },
            validUntil: form.field("validUntil")
        )
        return try area.page("console/admin/staff/show", titleKey: "admin.staff.showTitle", model: model, request: request, context: context.root, status: status)
    }

    func deactivate(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try AdminPages.uuid(context, "id")
        guard let user = try await services.staff.find(id: id) else { throw WebError.notFound }
        let back = "/console/admin/staff/\(id)"
        if id == context.staff.id { return area.redirect(to: back, flash: "admin.staff.notYourself", error: true) }
        do {
            _ = try await services.staff.deactivate(id: id, by: context.staff.id, audit: context.audit)
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: back, flash: "admin.staff.alreadyInactive", user.name, error: true)
        }
        return area.redirect(to: back, flash: "admin.staff.deactivated", user.name)
    }

    func unlock(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try AdminPages.uuid(context, "id")
        guard let user = try await services.staff.find(id: id) else { throw WebError.notFound }
        try await services.staff.unlock(id: id, audit: context.audit)
        return area.redirect(to: "/console/admin/staff/\(id)", flash: "admin.staff.unlocked", user.name)
    }

    func grant(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try AdminPages.uuid(context, "id")
        guard try await services.staff.find(id: id) != nil else { throw WebError.notFound }
        let display = area.display(request)
        var form = AdminForm(try await area.form(request, context: context.root), fields: ["serviceCode", "activity", "validUntil"], display: display)
        let code = form["serviceCode"]
        if code.isEmpty {
            form.fail("serviceCode", display.text("admin.issue.required"))
        } else if try await !services.catalogue.exists(code: code) {
            form.fail("serviceCode", display.text("admin.issue.unknownService"))
        }
        let activity = Activity(rawValue: form["activity"])
        if activity == nil { form.fail("activity", display.text("admin.issue.choose")) }
        if form["validUntil"].isEmpty {
            form.fail("validUntil", display.text("admin.issue.required"))
        } else if DateFormats.parseDay(form["validUntil"]) == nil {
            form.fail("validUntil", display.text("admin.issue.date"))
        }
        guard !form.failed, let activity else {
            return try await render(request, context: context, id: id, form: form, status: .unprocessableContent)
        }
        do {
            let granted = try await services.authorizations.grant(
                userId: id, serviceCode: code, activity: activity, validUntil: form["validUntil"], audit: context.audit
            )
            return area.redirect(
                to: "/console/admin/staff/\(id)", flash: "admin.grant.granted", display.text("admin.activity.\(activity.rawValue)"), granted.serviceCode,
                granted.validUntil
            )
        } catch let problem as Problem where problem.status == .unprocessableContent {
            form.add(problem, display: display)
            return try await render(request, context: context, id: id, form: form, status: .unprocessableContent)
        }
    }
}
