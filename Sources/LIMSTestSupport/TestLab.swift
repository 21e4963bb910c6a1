import Accounts
import Certification
import Foundation
import Hummingbird
import HummingbirdTesting
import LIMSCore
import LIMSServer
import Logging
import PostgresNIO
import Webhooks

/// A running Calibra on its own fresh database, with ready-made actors: an admin signed in, and helpers
/// to make staff with roles and customers with API keys. Tests drive it through the HTTP API.
public struct TestLab: Sendable {
    public let api: TestAPI
    /// Direct database access, as the runtime role the server uses, for what the API must not do (e.g. proving a
    /// table refuses UPDATE) and for driving module stores directly.
    public let database: Database
    /// The runtime role's URL (the application's `DATABASE_URL`).
    public let databaseURL: DatabaseURL
    /// The owner's URL (the application's migration URL): for fixtures that need more than the runtime role.
    public let ownerURL: DatabaseURL
    public let configuration: AppConfiguration
    /// The admin's session token.
    public let adminToken: String

    public static let password = "correct horse battery"

    /// Runs `body` against a fresh lab. Every call makes its own application, pool and database. The application
    /// migrates as the owner (`existingDatabase`, or the test superuser) and serves as the runtime role (`runtime`,
    /// or `TestDatabase.runtimeUser` on the same database).
    /// With `signingKey`, the lab's signing key is made before the server starts (the server reads it once, at start-up).
    /// `testing` is `.router` (no socket) by default; `.live` serves on a loopback port, for what needs a real peer.
    /// `alone` waits until no other lab runs in this process and keeps them waiting (for tests that measure time).
    public static func run<T: Sendable>(
        signingKey: Bool = false,
        customize: @Sendable (inout AppConfiguration) -> Void = { _ in },
        on existingDatabase: DatabaseURL? = nil,
        runtime existingRuntime: DatabaseURL? = nil,
        testing: TestingSetup = .router,
        alone: Bool = false,
        _ body: @escaping @Sendable (TestLab) async throws -> T
    ) async throws -> T {
        try await LabGate.run(alone: alone) {
            try await start(signingKey: signingKey, customize: customize, on: existingDatabase, runtime: existingRuntime, testing: testing, body)
        }
    }

    private static func start<T: Sendable>(
        signingKey: Bool,
        customize: @Sendable (inout AppConfiguration) -> Void,
        on existingDatabase: DatabaseURL?,
        runtime existingRuntime: DatabaseURL?,
        testing: TestingSetup,
        _ body: @escaping @Sendable (TestLab) async throws -> T
    ) async throws -> T {
        let ownerURL: DatabaseURL
        if let existingDatabase { ownerURL = existingDatabase } else { ownerURL = try await TestDatabase.makeMigrated() }
        var configuration = AppConfiguration(
            host: "127.0.0.1", port: 0, database: existingRuntime ?? TestDatabase.runtime(ownerURL), migrationDatabase: ownerURL, logLevel: .warning, bcryptCost: 4,
            projectRoot: TestDatabase.projectRoot,
            signingKeyPath: FileManager.default.temporaryDirectory.appendingPathComponent("calibra-test-keys-\(UUID().uuidString)/signing-key.pem"),
            publicBaseURL: "https://lims.test"
        )
        // Background sweeps stay out of the way of tests that count rows; tests run them by hand.
        configuration.sweepInterval = .seconds(24 * 3600)
        configuration.recallInterval = .seconds(24 * 3600)
        // The webhook worker's lanes poll once at start, then rest: dozens of labs polling every 500 ms held enough
        // connections to exhaust the throwaway cluster in a full run. Tests that deliver set a short interval.
        configuration.webhooks.pollInterval = .seconds(24 * 3600)
        // Hundreds of short-lived labs: connections are opened on demand, not kept from the start.
        configuration.pool.minimumConnections = 0
        customize(&configuration)
        let finalConfiguration = configuration
        // The lab's key folder (if a test made one) is a throwaway: remove it whatever the outcome.
        let keyFolder = finalConfiguration.signingKeyPath.deletingLastPathComponent()
        defer { if keyFolder.lastPathComponent.hasPrefix("calibra-test-keys-") { try? FileManager.default.removeItem(at: keyFolder) } }
        if signingKey { try SigningKey.create(at: finalConfiguration.signingKeyPath) }
        // Every throwaway lab has a webhook key (it seals endpoint secrets; no test depends on its absence but those that say so).
        if keyFolder.lastPathComponent.hasPrefix("calibra-test-keys-"), !FileManager.default.fileExists(atPath: finalConfiguration.webhookKeyPath.path) {
            try WebhookKey.create(at: finalConfiguration.webhookKeyPath)
        }
        let app = try await buildApplication(finalConfiguration)
        let url = finalConfiguration.database
        let fixtures = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: Logger(label: "calibra.fixtures"))
        let database = Database(client: fixtures, logger: Logger(label: "calibra.fixtures"))
        let policy = try PasswordPolicy(resourcesDirectory: finalConfiguration.resourcesDirectory)
        let staff = StaffStore(database: database, hasher: PasswordHasher(cost: 4), policy: policy)
        return try await app.test(testing) { client in
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    await fixtures.run()
                    return nil
                }
                group.addTask {
                    _ = try await staff.create(.init(email: "admin@lab.test", name: "Test Admin", roles: ["admin"], password: password), audit: .system)
                    let api = TestAPI(client: client)
                    let token = try await api.login(email: "admin@lab.test", password: password)
                    let lab = TestLab(
                        api: api, database: database, databaseURL: url, ownerURL: finalConfiguration.migrationDatabase,
                        configuration: finalConfiguration, adminToken: token
                    )
                    return try await body(lab)
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw CancellationError()
            }
        }
    }

    /// Creates a staff user with `roles` and returns its id and session token.
    @discardableResult
    public func staff(_ roles: [String], name: String? = nil) async throws -> (id: UUID, token: String) {
        let email = "\(roles.joined(separator: "-"))-\(UUID().uuidString.prefix(8).lowercased())@lab.test"
        let created = try await api.post(
            "/v1/users", token: adminToken, json: ["email": .string(email), "name": .string(name ?? "Staff \(roles.joined(separator: " "))"),
                                                   "roles": .array(roles.map { .string($0) }), "password": .string(Self.password)]
        )
        try created.expect(.created)
        let token = try await api.login(email: email, password: Self.password)
        return (try created.uuid("id"), token)
    }

    /// Creates a customer with billing terms and one API key; returns its id and key.
    @discardableResult
    public func customer(
        code: String? = nil, currency: String = "CNY", discountBasisPoints: Int = 0, taxRateBasisPoints: Int = 600, paymentTermsDays: Int = 30
    ) async throws -> (id: UUID, key: String) {
        let code = code ?? "C\(UUID().uuidString.prefix(8))"
        let created = try await api.post(
            "/v1/customers", token: adminToken,
            json: [
                "code": .string(code), "name": .string("Manufacturer \(code)"), "address": .string("1 Factory Road"),
                "taxId": .string("TAX-\(code)"), "currency": .string(currency), "billingEmail": .string("ap@\(code.lowercased()).test"),
                "discountBasisPoints": .number(Double(discountBasisPoints)), "taxRateBasisPoints": .number(Double(taxRateBasisPoints)),
                "paymentTermsDays": .number(Double(paymentTermsDays)),
            ]
        )
        try created.expect(.created)
        let id = try created.uuid("id")
        let key = try await api.post("/v1/customers/\(id)/api-keys", token: adminToken, json: [:])
        try key.expect(.created)
        return (id, try key.string("key"))
    }
}

extension TestLab {
    /// Creates a person at `customerId` (by the lab's admin unless `token` is given) with password ``password`` and
    /// returns their id, email and a session token.
    @discardableResult
    public func customerPerson(
        _ customerId: UUID, role: String = "customer_user", token: String? = nil, name: String = "Quality Engineer"
    ) async throws -> (id: UUID, email: String, token: String) {
        let email = "\(role.replacingOccurrences(of: "_", with: "-"))-\(UUID().uuidString.prefix(8).lowercased())@maker.test"
        let created = try await api.post(
            "/v1/customers/\(customerId)/users", token: token ?? adminToken,
            json: ["email": .string(email), "name": .string(name), "role": .string(role), "password": .string(Self.password)]
        )
        try created.expect(.created)
        return (try created.uuid("id"), email, try await api.login(email: email, password: Self.password))
    }

    /// Adds a service to the catalogue (admin) and returns its code.
    @discardableResult
    public func service(
        code: String? = nil, kind: String = "calibration", priceMinor: Int64 = 35_000, currency: String = "CNY", turnaroundDays: Int = 7,
        expediteSurchargeBasisPoints: Int = 5000, mpe: String? = nil, decisionRule: String? = nil, verificationPeriodMonths: Int? = nil,
        mandatoryVerificationCategory: String? = nil
    ) async throws -> String {
        let code = code ?? "SVC-\(UUID().uuidString.prefix(8))"
        var body: [String: JSONValue] = [
            "code": .string(code), "title": .string("Pressure gauge calibration"), "kind": .string(kind),
            "instrumentCategory": .string("Pressure gauge"), "quantity": .string("pressure"), "unit": .string("MPa"),
            "range": .string("0 to 60 MPa"), "method": .string(kind == "verification" ? "JJG 52-2013" : "JJF 1059.1-2012"),
            "accredited": .bool(true), "price": .object(["amountMinor": .number(Double(priceMinor)), "currency": .string(currency)]),
            "turnaroundDays": .number(Double(turnaroundDays)), "expediteSurchargeBasisPoints": .number(Double(expediteSurchargeBasisPoints)),
        ]
        if let mpe { body["mpe"] = .string(mpe) }
        if let decisionRule { body["decisionRule"] = .string(decisionRule) }
        if let mandatoryVerificationCategory { body["mandatoryVerificationCategory"] = .string(mandatoryVerificationCategory) }
        if let months = verificationPeriodMonths ?? (kind == "verification" ? 12 : nil) { body["verificationPeriodMonths"] = .number(Double(months)) }
        let response = try await api.post("/v1/services", token: adminToken, json: body)
        try response.expect(.created)
        return code
    }

    /// A minimal valid order body for `serviceCodes`, one instrument each.
    public static func orderBody(serviceCodes: [String], reference: String = "PO-1", priority: String = "standard") -> [String: JSONValue] {
        [
            "customerReference": .string(reference), "priority": .string(priority),
            "items": .array(serviceCodes.enumerated().map { index, code in
                .object([
                    "serviceCode": .string(code),
                    "instrument": .object(["manufacturer": .string("Acme"), "model": .string("PG-100"), "serialNumber": .string("SN-\(index)-\(UUID().uuidString.prefix(6))")]),
                ])
            }),
        ]
    }
}

extension TestLab {
    /// Runs one statement as the schema owner, for fixtures the runtime role may not do (altering the schema,
    /// replacing a function), over a connection closed afterwards.
    public func asOwner(_ sql: PostgresQuery) async throws {
        let connection = try await ownerURL.connect(logger: database.logger)
        do {
            try await connection.query(sql, logger: database.logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
