import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/portal/settings` (a `customer_admin` only; anyone else gets the 403 page, and posting its forms anyway is
/// refused): the customer's people (`Add person`, `Remove`) and API keys (`Create API key`, shown once; `Revoke`).
/// `/portal/account`: the signed-in person's own account and `Change password`.
struct PortalSettingsPages {
    let area: PortalArea
    let services: PortalServices

    static let templates = ["portal/settings", "portal/account"]

    func addRoutes(to group: RouterGroup<PortalContext>) {
        group.get("settings", use: settings)
        group.post("settings/users", use: addPerson)
        group.post("settings/users/{id}/remove", use: removePerson)
        group.post("settings/keys", use: createKey)
        group.post("settings/keys/{id}/revoke", use: revokeKey)
        PortalWebhookPages(area: area, services: services, settings: self).addRoutes(to: group)
        group.get("account", use: account)
        group.post("account/password", use: changePassword)
    }

    struct PersonRow {
        var id: String
        var name: String
        var email: String
        var role: String
        var isMe: Bool
        var removePath: String
    }

    struct KeyRow {
        var prefix: String
        var label: String
        var created: String
        var revoked: String?
        var revokePath: String
    }

    struct SettingsModel {
        var people: [PersonRow]
        var keys: [KeyRow]
        var roles: [Choice]
        var email: String
        var name: String
        var errors: [PortalError]
        var newKey: String?
        // Stored, not computed: templates see stored properties only.
        var emailError: String?
        var nameError: String?
        var roleError: String?
        var passwordError: String?
        var webhooks: PortalWebhookPages.Section
    }

    func settings(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        return try await render(request, context: context, form: nil, problems: [:], newKey: nil)
    }

    func render(
        _ request: Request, context: PortalContext, form: FormData?, problems: [String: String], newKey: String?,
        newSecret: (String, String)? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        // A form posted to settings/webhooks re-renders here with its own input and problems; the person form keeps its own.
        let hookForm = form?["url"] != nil ? form : nil
        let webhooks = try await PortalWebhookPages.section(
            services: services, display: display, customerId: context.customerId, form: hookForm, problems: hookForm == nil ? [:] : problems,
            newSecret: newSecret
        )
        let people = try await services.people.list(customerId: context.customerId, page: PageRequest(limit: 500)).items.map {
            PersonRow(
                id: $0.id.uuidString.lowercased(), name: $0.name, email: $0.email, role: display.text("portal.settings.role.\($0.role.rawValue)"),
                isMe: $0.id == context.user.id, removePath: "/portal/settings/users/\($0.id.uuidString.lowercased())/remove"
            )
        }
        let keys = try await services.apiKeys.list(customerId: context.customerId).map {
            KeyRow(
                prefix: $0.prefix, label: $0.label ?? "—", created: display.time($0.createdAt), revoked: $0.revokedAt.map(display.time),
                revokePath: "/portal/settings/keys/\($0.id.uuidString.lowercased())/revoke"
            )
        }
        let chosen = form?["role"] ?? CustomerRole.customerUser.rawValue
        let labels = ["email": "portal.settings.email", "name": "portal.settings.name", "role": "portal.settings.roleLabel", "password": "portal.settings.password"]
        let model = SettingsModel(
            people: people, keys: keys,
            roles: CustomerRole.allCases.map {
                Choice(value: $0.rawValue, label: display.text("portal.settings.role.\($0.rawValue)"), selected: $0.rawValue == chosen)
            },
            email: form?["email"] ?? "", name: form?["name"] ?? "",
            errors: problems.sorted { $0.key < $1.key }.map {
                hookForm == nil
                    ? PortalError(anchor: "person-\($0.key)", label: labels[$0.key].map { display.text($0) } ?? $0.key, message: $0.value)
                    : PortalError(anchor: "webhook-\($0.key)", label: display.text("webhooks.field.\($0.key == "url" ? "url" : "eventTypes")"), message: $0.value)
            },
            newKey: newKey, emailError: problems["email"], nameError: problems["name"], roleError: problems["role"],
            passwordError: problems["password"], webhooks: webhooks
        )
        return try area.page("portal/settings", titleKey: "portal.settings.title", model: model, request: request, context: context.root, status: status)
    }

    func addPerson(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let form = try await area.form(request, context: context.root)
        var problems = form.problems
        if problems.isEmpty {
            do {
                let person = CustomerUserStore.NewPerson(
                    email: form["email"], name: form["name"], role: form["role"], password: form.all("password").first
                )
                let made = try await services.people.create(person, customerId: context.customerId, audit: context.audit)
                return area.redirect(to: "/portal/settings", flash: "portal.settings.added", made.email)
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                for issue in problem.errors { problems[issue.field] = issue.message }
                if problem.status == .conflict { problems["email"] = area.display(request).text("portal.settings.emailTaken") }
            }
        }
        return try await render(request, context: context, form: form, problems: problems, newKey: nil, status: .unprocessableContent)
    }

    func removePerson(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let id = try context.uuid()
        do {
            try await services.people.remove(userId: id, customerId: context.customerId, by: context.user.id, audit: context.audit)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: "/portal/settings", flash: "portal.settings.notSelf", error: true)
        }
        return area.redirect(to: "/portal/settings", flash: "portal.settings.removed")
    }

    /// The new key is shown on this response only (never in a redirect, cookie or log), and never again.
    func createKey(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let form = try await area.form(request, context: context.root)
        let label = form["label"].map { String($0.prefix(100)) }
        let issued = try await services.apiKeys.issue(customerId: context.customerId, label: label, audit: context.audit)
        return try await render(request, context: context, form: nil, problems: [:], newKey: issued.key, status: .created)
    }

    func revokeKey(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let id = try context.uuid()
        do {
            try await services.apiKeys.revoke(id: id, scope: context.customerId, audit: context.audit)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: "/portal/settings", flash: "portal.settings.alreadyRevoked", error: true)
        }
        return area.redirect(to: "/portal/settings", flash: "portal.settings.revoked")
    }

    // MARK: Own account

    struct AccountModel {
        var name: String
        var email: String
        var role: String
        var errors: [PortalError]
        var currentError: String?
        var newError: String?
    }

    func account(_ request: Request, context: PortalContext) async throws -> Response {
        try renderAccount(request, context: context, problems: [:])
    }

    func renderAccount(_ request: Request, context: PortalContext, problems: [String: String], status: HTTPResponse.Status = .ok) throws -> Response {
        let display = area.display(request)
        let labels = ["currentPassword": "portal.account.current", "newPassword": "portal.account.new"]
        let model = AccountModel(
            name: context.user.name, email: context.user.email, role: display.text("portal.settings.role.\(context.user.role.rawValue)"),
            errors: problems.sorted { $0.key < $1.key }.map {
                PortalError(anchor: $0.key, label: labels[$0.key].map { display.text($0) } ?? $0.key, message: $0.value)
            },
            currentError: problems["currentPassword"], newError: problems["newPassword"]
        )
        return try area.page("portal/account", titleKey: "portal.account.title", model: model, request: request, context: context.root, status: status)
    }

    func changePassword(_ request: Request, context: PortalContext) async throws -> Response {
        let form = try await area.form(request, context: context.root)
        guard let secret = context.root.sessionSecret else { throw WebError.signInRequired }
        do {
            try await services.sessions.changePassword(
                of: context.principal,
                .init(currentPassword: form.all("currentPassword").first, newPassword: form.all("newPassword").first), keepingSession: secret,
                sourceAddress: services.sourceAddress.resolve(request, peer: context.root.remoteAddress), audit: context.audit
            )
        } catch let problem as Problem where problem.status == .unprocessableContent || (problem.status == .forbidden && !problem.errors.isEmpty) {
            // A wrong current password is a 403 naming the field: shown beside it like any other problem.
            var problems: [String: String] = [:]
            for issue in problem.errors { problems[issue.field] = issue.message }
            return try renderAccount(request, context: context, problems: problems, status: .unprocessableContent)
        } catch let problem as Problem where problem.status == .tooManyRequests {
            return area.redirect(to: "/portal/account", flash: "login.locked", error: true)
        }
        return area.redirect(to: "/portal/account", flash: "portal.account.changed")
    }
}
