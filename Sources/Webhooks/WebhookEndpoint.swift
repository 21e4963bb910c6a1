import Foundation

/// A customer's webhook endpoint as listed (its secret is shown once, at creation and rotation).
public struct WebhookEndpoint: Codable, Sendable, Equatable {
    public var id: UUID
    public var customerId: UUID
    public var url: String
    /// The event types sent to it; nil: every event of the customer's feed.
    public var eventTypes: [String]?
    public var status: String
    /// Why it was disabled (410 Gone, or the whole retry schedule failed); nil while enabled.
    public var disabledReason: String?
    public var createdAt: Date

    public var isEnabled: Bool { status == "enabled" }

    enum CodingKeys: String, CodingKey { case id, customerId, url, eventTypes, status, disabledReason, createdAt }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(url, forKey: .url)
        try container.encode(eventTypes, forKey: .eventTypes)
        try container.encode(status, forKey: .status)
        try container.encode(disabledReason, forKey: .disabledReason)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// A new endpoint with its secret, answered once by `POST /v1/webhooks`.
public struct CreatedWebhookEndpoint: Encodable, Sendable {
    public var endpoint: WebhookEndpoint
    public var secret: String

    public func encode(to encoder: any Encoder) throws {
        try endpoint.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(secret, forKey: .secret)
    }

    enum Key: String, CodingKey { case secret }
}

/// A rotated secret, answered once by `POST /v1/webhooks/{id}/rotate-secret`.
public struct RotatedWebhookSecret: Codable, Sendable {
    public var id: UUID
    public var secret: String
    /// Until when the previous secret also signs deliveries (a second `v1,` signature), so receivers can switch over.
    public var previousSecretValidUntil: Date
}

/// One attempt to deliver one event to one endpoint (`GET /v1/webhooks/{id}/deliveries`).
public struct WebhookDelivery: Codable, Sendable, Equatable {
    public var id: UUID
    public var endpointId: UUID
    public var eventId: UUID
    public var eventType: String
    public var attempt: Int
    /// `pending` (due at `nextAttemptAt`), `delivered` or `failed`.
    public var status: String
    public var responseStatus: Int?
    public var durationMs: Int?
    public var error: String?
    public var attemptedAt: Date?
    /// For a pending attempt, when it is due; for a failed one, when its retry is due (nil: no retry).
    public var nextAttemptAt: Date?
    var sequence: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case id, endpointId, eventId, eventType, attempt, status, responseStatus, durationMs, error, attemptedAt, nextAttemptAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(endpointId, forKey: .endpointId)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(status, forKey: .status)
        try container.encode(responseStatus, forKey: .responseStatus)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(error, forKey: .error)
        try container.encode(attemptedAt, forKey: .attemptedAt)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
    }
}

/// Who may do what with a customer's endpoints: its API key and its `customer_admin` manage them; its `customer_user`
/// may read them and their deliveries (to see whether an integration works) but not change them, since a secret or
/// a destination is an integration decision. Staff do not use these routes.
public enum WebhookAccess {
    public enum Action: Sendable { case read, manage }
}

/// The event type a customer receives when one of its endpoints is disabled by delivery failures.
public enum WebhookEventType {
    public static let disabled = "webhook.disabled"
}
