import Foundation
import Hummingbird
import LIMSCore
import Web
import Webhooks

/// The webhook part of `/portal/settings` (a `customer_admin` only, as the rest of the page): the customer's endpoints
/// with their recent deliveries, `Add endpoint` (the secret shown once, on that response only), `Rotate secret`,
/// `Delete`, and `Replay` on a delivery. The rules are the API's, in WebhookStore.
struct PortalWebhookPages {
    let area: PortalArea
    let services: PortalServices
    let settings: PortalSettingsPages

    /// The event types offered as filters (none ticked: every event).
    static let eventTypes = [
        "order.accepted", "order.rejected", "item.received", "certificate.issued", "certificate.amended", "invoice.issued", "instrument.due_soon",
        "instrument.overdue", "webhook.disabled",
    ]

    func addRoutes(to group: RouterGroup<PortalContext>) {
        group.post("settings/webhooks", use: add)
        group.post("settings/webhooks/{id}/rotate", use: rotate)
        group.post("settings/webhooks/{id}/delete", use: delete)
        group.post("settings/webhooks/{id}/deliveries/{deliveryId}/replay", use: replay)
    }

    struct DeliveryRow {
        var event: String
        var attempt: Int
        var status: String
        var delivered: Bool
        var response: String
        var at: String
        var error: String?
        var replayPath: String?
    }

    struct EndpointRow {
        var url: String
        var eventTypes: String
        var status: String
        var enabled: Bool
        var disabledReason: String?
        var rotatePath: String
        var deletePath: String
        var deliveries: [DeliveryRow]
    }

    /// What the settings page shows of webhooks, and the add form's input and problems.
    struct Section {
        var endpoints: [EndpointRow]
        var types: [Choice]
        var url: String
        var urlError: String?
        var typesError: String?
        /// The secret just made or rotated, shown on this response only.
        var newSecret: String?
        var newSecretURL: String?
    }

    static func section(
        services: PortalServices, display: Display, customerId: UUID, form: FormData?, problems: [String: String], newSecret: (String, String)?
    ) async throws -> Section {
        var rows: [EndpointRow] = []
        for endpoint in try await services.webhooks.list(customerId: customerId) {
            let id = endpoint.id.uuidString.lowercased()
            let recent = try await services.webhooks.deliveries(endpointId: endpoint.id, customerId: customerId, page: PageRequest(limit: 5)).items
            rows.append(
                EndpointRow(
                    url: endpoint.url, eventTypes: endpoint.eventTypes?.joined(separator: ", ") ?? display.text("webhooks.allEvents"),
                    status: display.text("webhooks.status.\(endpoint.status)"), enabled: endpoint.isEnabled, disabledReason: endpoint.disabledReason,
                    rotatePath: "/portal/settings/webhooks/\(id)/rotate", deletePath: "/portal/settings/webhooks/\(id)/delete",
                    deliveries: recent.map { delivery in
                        DeliveryRow(
                            event: delivery.eventType, attempt: delivery.attempt, status: display.text("webhooks.delivery.\(delivery.status)"),
                            delivered: delivery.status == "delivered", response: delivery.responseStatus.map(String.init) ?? "—",
                            at: display.time(delivery.attemptedAt ?? delivery.nextAttemptAt), error: delivery.error,
                            replayPath: endpoint.isEnabled && delivery.status != "pending"
                                ? "/portal/settings/webhooks/\(id)/deliveries/\(delivery.id.uuidString.lowercased())/replay" : nil
                        )
                    }
                )
            )
        }
        let ticked = Set(form?.all("eventTypes") ?? [])
        return Section(
            endpoints: rows, types: eventTypes.map { Choice(value: $0, label: $0, selected: ticked.contains($0)) }, url: form?["url"] ?? "",
            urlError: problems["url"], typesError: problems["eventTypes"], newSecret: newSecret?.0, newSecretURL: newSecret?.1
        )
    }

    func add(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let form = try await area.form(request, context: context.root)
        let types = form.all("eventTypes")
        var problems: [String: String] = [:]
        do {
            let created = try await services.webhooks.create(
                customerId: context.customerId, url: form["url"], eventTypes: types.isEmpty ? nil : types, audit: context.audit
            )
            return try await settings.render(request, context: context, form: nil, problems: [:], newKey: nil, newSecret: (created.secret, created.endpoint.url), status: .created)
        } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
            for issue in problem.errors { problems[issue.field.hasPrefix("eventTypes") ? "eventTypes" : issue.field] = issue.message }
            if problem.errors.isEmpty { problems["url"] = problem.detail }
        }
        return try await settings.render(request, context: context, form: form, problems: problems, newKey: nil, status: .unprocessableContent)
    }

    func rotate(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let id = try context.uuid()
        do {
            let rotated = try await services.webhooks.rotateSecret(id: id, customerId: context.customerId, audit: context.audit)
            let endpoint = try await services.webhooks.endpoint(id: id, customerId: context.customerId)
            return try await settings.render(request, context: context, form: nil, problems: [:], newKey: nil, newSecret: (rotated.secret, endpoint.url))
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        }
    }

    func delete(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let id = try context.uuid()
        do {
            try await services.webhooks.delete(id: id, customerId: context.customerId, audit: context.audit)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        }
        return area.redirect(to: "/portal/settings", flash: "webhooks.deleted")
    }

    func replay(_ request: Request, context: PortalContext) async throws -> Response {
        try context.requireAdmin()
        let id = try context.uuid()
        let deliveryId = try context.uuid("deliveryId")
        do {
            _ = try await services.webhooks.replay(endpointId: id, deliveryId: deliveryId, customerId: context.customerId, audit: context.audit)
        } catch let problem as Problem where problem.status == .notFound {
            throw WebError.notFound
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: "/portal/settings", flash: "webhooks.replayDisabled", error: true)
        }
        return area.redirect(to: "/portal/settings", flash: "webhooks.replayed")
    }
}
