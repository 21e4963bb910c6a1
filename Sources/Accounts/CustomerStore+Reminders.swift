import Foundation
import LIMSCore
import PostgresNIO

extension CustomerStore {
    /// The fields `PATCH /v1/customers/{id}` may change; an absent field stays as it is.
    public struct CustomerChange: Decodable, Sendable {
        public var reminderLeadDays: Int?
        public var documentLanguage: String?

        public init(reminderLeadDays: Int? = nil, documentLanguage: String? = nil) {
            self.reminderLeadDays = reminderLeadDays
            self.documentLanguage = documentLanguage
        }
    }

    /// The languages a customer's documents may be issued in.
    public static let documentLanguages = ["en", "zh-Hans", "bilingual"]

    /// The reminder lead of a customer who never chose one (the column's default).
    public static let defaultReminderLeadDays = 30

    /// The widest reminder lead a customer may choose, in days.
    public static let reminderLeadDaysRange = 0...365

    /// Changes a customer's settings (admin), audited with the before and after images.
    public func update(id: UUID, _ change: CustomerChange, audit: AuditContext) async throws -> Customer {
        var validator = Validator()
        if let lead = change.reminderLeadDays {
            validator.check(Self.reminderLeadDaysRange.contains(lead), "reminderLeadDays", "must be from 0 to 365 days")
        }
        if let language = change.documentLanguage {
            validator.check(Self.documentLanguages.contains(language), "documentLanguage", "must be one of en, zh-Hans, bilingual")
        }
        try validator.finish()
        let updated = try await database.transaction { connection in
            let locked = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM customers WHERE id = \(id) FOR UPDATE", logger: database.logger
            )
            guard let before = try await Self.decode(locked).first else { throw Problem.notFound("Customer") }
            let rows = try await connection.query(
                """
                UPDATE customers SET reminder_lead_days = coalesce(\(change.reminderLeadDays), reminder_lead_days),
                                     document_language = coalesce(\(change.documentLanguage), document_language)
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger
            )
            guard let after = try await Self.decode(rows).first else { throw Problem.notFound("Customer") }
            try await AuditLog.record(
                on: connection, audit, action: "customer.updated", entity: "customer", entityId: id.uuidString, before: before, after: after,
                logger: database.logger
            )
            return after
        }
        // Committed: this instance forgets the old row before answering; the others when the trigger's notice arrives.
        cache.changed(key: id.uuidString.lowercased())
        return updated
    }

    /// One customer's reminder lead in days; `nil` when the customer is unknown.
    public func reminderLeadDays(customerId: UUID, on connection: PostgresConnection) async throws -> Int? {
        let rows = try await connection.query("SELECT reminder_lead_days FROM customers WHERE id = \(customerId)", logger: database.logger)
        for try await days in rows.decode(Int.self) { return days }
        return nil
    }

    /// Every customer's reminder lead in days (the recall sweep and lists across customers need them all at once).
    public func reminderLeadDays(on connection: PostgresConnection) async throws -> [UUID: Int] {
        let rows = try await connection.query("SELECT id, reminder_lead_days FROM customers", logger: database.logger)
        var leads: [UUID: Int] = [:]
        for try await (id, days) in rows.decode((UUID, Int).self) { leads[id] = days }
        return leads
    }
}
