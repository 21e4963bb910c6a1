import Foundation
import Instruments
import LIMSCore
import Logging
import PostgresNIO

/// The service catalogue and its price history. Owns `services` and `service_prices`.
public struct CatalogueStore: Sendable {
    let database: Database
    /// Services read by ``current(codes:on:)``; answers only while ``ChangeNotices/follow(on:logger:)`` runs for it.
    public let cache: ServiceCache

    public init(database: Database, cache: ServiceCache = ServiceCache()) {
        self.database = database
        self.cache = cache
    }

    public struct NewService: Decodable, Sendable {
        public var code: String?
        public var title: String?
        public var kind: String?
        public var instrumentCategory: String?
        public var quantity: String?
        public var unit: String?
        public var range: String?
        public var method: String?
        public var accredited: Bool?
        public var price: Money?
        public var turnaroundDays: Int?
        public var expediteSurchargeBasisPoints: Int?
        public var mpe: String?
        public var decisionRule: String?
        public var verificationPeriodMonths: Int?
        public var mandatoryVerificationCategory: String?
    }

    public func create(_ input: NewService, audit: AuditContext) async throws -> Service {
        var validator = Validator()
        let code = validator.requireText(input.code, "code", maxLength: 64)
        if !code.isEmpty, !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            validator.add("code", "may contain only letters, digits, '-', '_' and '.'")
        }
        let title = validator.requireText(input.title, "title", maxLength: 300)
        let kind = validator.requireEnum(input.kind, "kind", as: ServiceKind.self)
        let category = validator.requireText(input.instrumentCategory, "instrumentCategory", maxLength: 200)
        let quantity = validator.requireText(input.quantity, "quantity", maxLength: 100)
        let unit = validator.requireText(input.unit, "unit", maxLength: 50)
        let range = validator.requireText(input.range, "range", maxLength: 200)
        let method = validator.requireText(input.method, "method", maxLength: 300)
        validator.check(input.accredited != nil, "accredited", "is required")
        validator.add(contentsOf: Money.issues(input.price, field: "price"))
        let turnaround = input.turnaroundDays ?? 0
        validator.check((1...365).contains(turnaround), "turnaroundDays", "must be from 1 to 365 days")
        let surcharge = input.expediteSurchargeBasisPoints ?? 0
        validator.check((0...100_000).contains(surcharge), "expediteSurchargeBasisPoints", "must be from 0 to 100000 basis points")
        if let mpe = input.mpe {
            validator.check(Decimal(string: mpe).map { $0 > 0 } == true && mpe.allSatisfy { $0.isNumber || $0 == "." }, "mpe", "must be a positive decimal string")
        }
        let rule = input.decisionRule.map { validator.requireEnum($0, "decisionRule", as: DecisionRuleName.self) } ?? .simple
        if kind == .verification {
            validator.check(input.verificationPeriodMonths.map { (1...120).contains($0) } == true, "verificationPeriodMonths",
                            "is required for a verification service: 1 to 120 months")
        } else if input.verificationPeriodMonths != nil {
            validator.add("verificationPeriodMonths", "applies only to verification services")
        }
        let mandatory = input.mandatoryVerificationCategory.flatMap {
            validator.requireEnum($0, "mandatoryVerificationCategory", as: MandatoryVerificationCategory.self)
        }
        if input.mandatoryVerificationCategory != nil, kind == .calibration {
            validator.add("mandatoryVerificationCategory", "applies only to verification services")
        }
        try validator.finish()
        guard let kind, let price = input.price, let accredited = input.accredited else { throw Problem.validation(validator.issues) }

        do {
            return try await database.transaction { connection in
                try await connection.query(
                    """
                    INSERT INTO services (code, title, kind, instrument_category, quantity, unit, range, method, accredited, turnaround_days,
                                          expedite_surcharge_basis_points, mpe, decision_rule, verification_period_months,
                                          mandatory_verification_category)
                    VALUES (\(code), \(title), \(kind.rawValue), \(category), \(quantity), \(unit), \(range), \(method), \(accredited),
                            \(turnaround), \(surcharge), \(input.mpe), \((rule ?? .simple).rawValue), \(input.verificationPeriodMonths),
                            \(mandatory?.rawValue))
                    """,
                    logger: database.logger
                )
                try await connection.query(
                    "INSERT INTO service_prices (service_code, amount_minor, currency) VALUES (\(code), \(price.amountMinor), \(price.currency))",
                    logger: database.logger
                )
                guard let service = try await service(code: code, on: connection) else { throw Problem.notFound("Service") }
                try await AuditLog.record(
                    on: connection, audit, action: "service.created", entity: "service", entityId: code, after: service, logger: database.logger
                )
                return service
            }
        } catch let error as PSQLError where error.isUniqueViolation("services_pkey") {
            throw Problem.conflict("A service with the code \(code) already exists.")
        }
    }

    /// Sets a new price from now on; the history keeps every earlier price, and orders keep the one they were quoted.
    public func changePrice(code: String, to price: Money?, audit: AuditContext) async throws -> Service {
        let issues = Money.issues(price, field: "price")
        if !issues.isEmpty { throw Problem.validation(issues) }
        guard let price else { throw Problem.invalid("price", "is required") }
        let changed = try await database.transaction { connection in
            guard let before = try await service(code: code, on: connection, lock: true) else { throw Problem.notFound("Service") }
            try await connection.query(
                "INSERT INTO service_prices (service_code, amount_minor, currency) VALUES (\(code), \(price.amountMinor), \(price.currency))",
                logger: database.logger
            )
            guard let after = try await service(code: code, on: connection) else { throw Problem.notFound("Service") }
            try await AuditLog.record(
                on: connection, audit, action: "service.price_changed", entity: "service", entityId: code,
                before: before.price, after: after.price, logger: database.logger
            )
            return after
        }
        // Committed: this instance prices the next order at the new price; the others when the trigger's notice arrives.
        cache.changed(key: code)
        return changed
    }

    public func service(code: String, on connection: PostgresConnection, lock: Bool = false) async throws -> Service? {
        let rows = try await connection.query(
            "\(unescaped: Self.select) WHERE s.code = \(code) \(unescaped: lock ? "FOR UPDATE OF s" : "")", logger: database.logger
        )
        return try await Self.decode(rows).first
    }

    public func service(code: String) async throws -> Service? {
        try await database.connection { try await service(code: code, on: $0) }
    }

    public func exists(code: String) async throws -> Bool {
        try await service(code: code) != nil
    }

    /// Services by code as order pricing reads them: from this instance's cache where it holds them (it follows every
    /// change: migration 0061), the others in one round trip. Never to read back a change made on `connection`.
    public func current(codes: [String], on connection: PostgresConnection) async throws -> [String: Service] {
        var found: [String: Service] = [:]
        var missing: [String] = []
        for code in codes {
            if let service = cache.value(for: code) { found[code] = service } else { missing.append(code) }
        }
        guard !missing.isEmpty else { return found }
        let generation = cache.generation()
        for (code, service) in try await services(codes: missing, on: connection) {
            found[code] = service
            cache.store(service, for: code, readAt: generation)
        }
        return found
    }

    /// Several services by code, in one round trip (for quoting an order).
    public func services(codes: [String], on connection: PostgresConnection) async throws -> [String: Service] {
        let rows = try await connection.query("\(unescaped: Self.select) WHERE s.code = ANY(\(codes))", logger: database.logger)
        return Dictionary(uniqueKeysWithValues: try await Self.decode(rows).map { ($0.code, $0) })
    }

    public func list() async throws -> [Service] {
        try await Self.decode(try await database.client.query("\(unescaped: Self.select) ORDER BY s.code", logger: database.logger))
    }

    public func priceHistory(code: String) async throws -> [ServicePrice] {
        let rows = try await database.client.query(
            "SELECT amount_minor, currency::text, valid_from FROM service_prices WHERE service_code = \(code) ORDER BY id",
            logger: database.logger
        )
        var history: [ServicePrice] = []
        for try await (amount, currency, from) in rows.decode((Int64, String, Date).self) {
            history.append(ServicePrice(price: Money(amountMinor: amount, currency: currency), validFrom: from))
        }
        return history
    }

    static let select = """
        SELECT s.code, s.title, s.kind, s.instrument_category, s.quantity, s.unit, s.range, s.method, s.accredited, p.amount_minor,
               p.currency::text, s.turnaround_days, s.expedite_surcharge_basis_points, s.mpe, s.decision_rule, s.verification_period_months,
               s.mandatory_verification_category
        FROM services s
        JOIN LATERAL (SELECT amount_minor, currency FROM service_prices WHERE service_code = s.code ORDER BY id DESC LIMIT 1) p ON true
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Service] {
        var services: [Service] = []
        for try await row in rows.decode(
            (String, String, String, String, String, String, String, String, Bool, Int64, String, Int, Int, String?, String, Int?, String?).self
        ) {
            services.append(
                Service(
                    code: row.0, title: row.1, kind: try StoredValue.decode(ServiceKind.self, row.2, table: "services", column: "kind"),
                    instrumentCategory: row.3, quantity: row.4,
                    unit: row.5, range: row.6, method: row.7, accredited: row.8, price: Money(amountMinor: row.9, currency: row.10),
                    turnaroundDays: row.11, expediteSurchargeBasisPoints: row.12, mpe: row.13,
                    decisionRule: try StoredValue.decode(DecisionRuleName.self, row.14, table: "services", column: "decision_rule"),
                    verificationPeriodMonths: row.15,
                    mandatoryVerificationCategory: try row.16.map {
                        try StoredValue.decode(MandatoryVerificationCategory.self, $0, table: "services", column: "mandatory_verification_category")
                    }
                )
            )
        }
        return services
    }
}

/// Services as order pricing reads them, by code, following the notices `service:<code>` of the triggers on `services`
/// and `service_prices` (migration 0061).
public typealias ServiceCache = FollowedCache<String, Service>

extension FollowedCache where Key == String, Value == Service {
    public convenience init(maxAge: Duration = .seconds(300), capacity: Int = 10_000) {
        self.init(kind: "service", maxAge: maxAge, capacity: capacity) { $0.code }
    }
}
