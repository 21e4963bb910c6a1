import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// A manufacturer the lab works for, with its billing terms.
public struct Customer: Codable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var address: String
    public var taxId: String?
    public var currency: String
    public var billingEmail: String
    public var discountBasisPoints: Int
    public var taxRateBasisPoints: Int
    public var paymentTermsDays: Int
    /// Days before an instrument's due date that the customer is reminded (recall); default 30.
    public var reminderLeadDays: Int
    /// `en`, `zh-Hans` or `bilingual` (Chinese first, English beside it): the language of its documents; default `en`.
    public var documentLanguage: String
    public var createdAt: Date
}

/// Customers and their API keys. Owns `customers` and `api_keys`.
public struct CustomerStore: Sendable {
    let database: Database
    /// Customers read by ``terms(id:on:)``; answers only while ``ChangeNotices/follow(on:logger:)`` runs for it.
    public let cache: CustomerCache

    public init(database: Database, cache: CustomerCache = CustomerCache()) {
        self.database = database
        self.cache = cache
    }

    public struct NewCustomer: Decodable, Sendable {
        public var code: String?
        public var name: String?
        public var address: String?
        public var taxId: String?
        public var currency: String?
        public var billingEmail: String?
        public var discountBasisPoints: Int?
        public var taxRateBasisPoints: Int?
        public var paymentTermsDays: Int?

        public init(
            code: String, name: String, address: String, taxId: String?, currency: String, billingEmail: String,
            discountBasisPoints: Int, taxRateBasisPoints: Int, paymentTermsDays: Int
        ) {
            self.code = code
            self.name = name
            self.address = address
            self.taxId = taxId
            self.currency = currency
            self.billingEmail = billingEmail
            self.discountBasisPoints = discountBasisPoints
            self.taxRateBasisPoints = taxRateBasisPoints
            self.paymentTermsDays = paymentTermsDays
        }
    }

    public func create(_ input: NewCustomer, audit: AuditContext) async throws -> Customer {
        var validator = Validator()
        let code = validator.requireText(input.code, "code", maxLength: 32)
        if !code.isEmpty, !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            validator.add("code", "may contain only letters, digits, '-' and '_'")
        }
        let name = validator.requireText(input.name, "name", maxLength: 200)
        let address = validator.requireText(input.address, "address", maxLength: 1000)
        let currency = input.currency ?? ""
        validator.check(Currency.isValid(currency), "currency", "must be an ISO 4217 code such as CNY, EUR or USD")
        let billingEmail = validator.requireText(input.billingEmail, "billingEmail", maxLength: 254)
        if !billingEmail.isEmpty, !StaffStore.looksLikeEmail(billingEmail) { validator.add("billingEmail", "must be an email address") }
        func basisPoints(_ value: Int?, _ field: String) -> Int {
            guard let value else { validator.add(field, "is required"); return 0 }
            validator.check((0...10_000).contains(value), field, "must be from 0 to 10000 basis points")
            return value
        }
        let discount = basisPoints(input.discountBasisPoints, "discountBasisPoints")
        let taxRate = basisPoints(input.taxRateBasisPoints, "taxRateBasisPoints")
        let terms = input.paymentTermsDays ?? 30
        validator.check((0...365).contains(terms), "paymentTermsDays", "must be from 0 to 365 days")
        try validator.finish()

        do {
            return try await database.transaction { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO customers (code, name, address, tax_id, currency, billing_email, discount_basis_points,
                                           tax_rate_basis_points, payment_terms_days)
                    VALUES (\(code), \(name), \(address), \(input.taxId), \(currency), \(billingEmail), \(discount), \(taxRate), \(terms))
                    RETURNING \(unescaped: Self.columns)
                    """,
                    logger: database.logger
                )
                guard let customer = try await Self.decode(rows).first else { throw Problem.notFound("Customer") }
                try await AuditLog.record(
                    on: connection, audit, action: "customer.created", entity: "customer", entityId: customer.id.uuidString,
                    after: customer, logger: database.logger
                )
                return customer
            }
        } catch let error as PSQLError where error.isUniqueViolation("customers_code_key") {
            throw Problem.conflict("A customer with the code \(code) already exists.")
        }
    }

    /// A customer by id; works inside a caller's transaction.
    public func find(id: UUID, on connection: PostgresConnection) async throws -> Customer? {
        let rows = try await connection.query("SELECT \(unescaped: Self.columns) FROM customers WHERE id = \(id)", logger: database.logger)
        return try await Self.decode(rows).first
    }

    /// The customer as ``find(id:on:)`` reads it, from this instance's cache when it holds the row (it follows every
    /// change: migration 0060): for pricing an order, never to read back a change made on `connection`.
    public func terms(id: UUID, on connection: PostgresConnection) async throws -> Customer? {
        try await cache.value(for: id) { try await find(id: id, on: connection) }
    }

    public func find(id: UUID) async throws -> Customer? {
        try await database.connection { try await find(id: id, on: $0) }
    }

    public func list(page: PageRequest) async throws -> Page<Customer> {
        let after = try page.cursorValue() ?? 0
        let rows = try await database.client.query(
            "SELECT \(unescaped: Self.columns), seq FROM customers WHERE seq > \(after) ORDER BY seq LIMIT \(page.limit + 1)",
            logger: database.logger
        )
        var found: [(Customer, Int64)] = []
        for try await row in rows.decode((UUID, String, String, String, String?, String, String, Int, Int, Int, Date, Int, String, Int64).self) {
            found.append((Self.customer(from: (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12)), row.13))
        }
        return Page(fetched: found, limit: page.limit) { $0.1 }.map { $0.0 }
    }

    static let columns =
        "id, code, name, address, tax_id, currency::text, billing_email, discount_basis_points, tax_rate_basis_points, payment_terms_days, created_at, reminder_lead_days, document_language"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Customer] {
        var customers: [Customer] = []
        for try await row in rows.decode((UUID, String, String, String, String?, String, String, Int, Int, Int, Date, Int, String).self) {
            customers.append(customer(from: row))
        }
        return customers
    }

    static func customer(from row: (UUID, String, String, String, String?, String, String, Int, Int, Int, Date, Int, String)) -> Customer {
        Customer(
            id: row.0, code: row.1, name: row.2, address: row.3, taxId: row.4, currency: row.5, billingEmail: row.6,
            discountBasisPoints: row.7, taxRateBasisPoints: row.8, paymentTermsDays: row.9, reminderLeadDays: row.11, documentLanguage: row.12, createdAt: row.10
        )
    }
}
