import Accounts
import Billing
import Certification
import Console
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import Management
import Orders
import Portal
import Quality
import Reports
import Samples
import Scheduling
import Web
import Webhooks

/// Every module's stores and controllers, made once per application and wired together here:
/// where an effect runs against the module arrows, this is where the handler is connected.
struct Modules {
    let database: Database
    let staff: StaffStore
    let sessions: SessionStore
    let webSessions: WebSessionStore
    let customers: CustomerStore
    let apiKeys: APIKeyStore
    /// The caches this instance keeps while it follows changes (``ChangeFollower``).
    let changes: ChangeNotices
    let people: CustomerUserStore
    let authorizations: AuthorizationStore
    let catalogue: CatalogueStore
    let instruments: InstrumentStore
    let billing: BillingStore
    let invoiceDocuments: InvoiceDocuments
    let orders: OrderStore
    let idempotency: Idempotency
    let equipment: EquipmentStore
    let bookings: BookingStore
    let jobs: JobQueue
    let samples: SampleStore
    let renderer: ReportRenderer
    let measurements: MeasurementStore
    let certification: ReviewAndSigning
    let certificates: CertificateStore
    let nonconformities: NonconformityStore
    let management: ManagementStore
    let signingKey: SigningKey?
    let sourceAddress: SourceAddress
    let console: Console
    let portal: Portal
    let webhooks: WebhookStore

    init(configuration: AppConfiguration, database: Database) throws {
        // Read and checked once: start-up fails here, naming the file, when the key is unreadable or invalid or its
        // folder is writable by others; a missing key leaves signing refused (503) until one is made and the server restarts.
        let signingKey = try SigningKey.load(from: configuration.signingKeyPath)
        self.signingKey = signingKey
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        let policy = try PasswordPolicy(resourcesDirectory: configuration.resourcesDirectory)
        self.database = database
        self.staff = StaffStore(database: database, hasher: hasher, policy: policy)
        self.sessions = SessionStore(database: database, hasher: hasher, policy: policy, throttle: configuration.signInThrottle)
        self.sourceAddress = SourceAddress(trustedProxyHeader: configuration.trustedProxyHeader)
        self.webSessions = WebSessionStore(database: database, sessions: sessions, idleTimeout: configuration.webIdleTimeout)
        // The decoy hash for unknown emails, at the real cost, made now rather than on the first sign-in.
        Task { _ = try? await hasher.decoyHash() }
        self.customers = CustomerStore(database: database)
        self.apiKeys = APIKeyStore(database: database)
        self.people = CustomerUserStore(database: database, hasher: hasher, policy: policy)
        self.authorizations = AuthorizationStore(database: database)
        self.catalogue = CatalogueStore(database: database)
        self.changes = ChangeNotices([apiKeys.cache, customers.cache, catalogue.cache])
        let instruments = InstrumentStore(database: database, customers: customers)
        self.instruments = instruments
        // Completing an order issues its invoice, in the same transaction.
        let billing = BillingStore(database: database, customers: ModuleWiring.billingCustomers(customers))
        self.billing = billing
        self.orders = OrderStore(
            database: database, catalogue: catalogue, customers: customers, instruments: instruments,
            onCompleted: { connection, order, audit in _ = try await billing.issueInvoice(for: order, on: connection, audit: audit) }
        )
        self.idempotency = Idempotency(database: database)
        self.equipment = EquipmentStore(database: database)
        self.bookings = BookingStore(database: database)
        self.jobs = JobQueue(database: database)
        // Receipt queues the item's job, due the service's turnaround after the receipt date; hold and
        // rejection hold and withdraw it, all in the sample transaction.
        self.samples = SampleStore(
            database: database, orders: orders, customerName: ModuleWiring.sampleCustomerName(customers),
            customerLanguage: ModuleWiring.sampleCustomerLanguage(customers),
            onReceived: { [jobs, catalogue] connection, item, audit in
                guard let service = try await catalogue.service(code: item.serviceCode, on: connection) else { throw Problem.notFound("Service") }
                _ = try await jobs.enqueue(
                    on: connection, itemId: item.itemId, orderId: item.orderId, customerId: item.customerId, serviceCode: item.serviceCode,
                    expedited: item.expedited, dueOn: item.dueOn(turnaroundDays: service.turnaroundDays), audit: audit
                )
            },
            onHeld: { [jobs] connection, itemId, held, audit in try await jobs.setHeld(on: connection, itemId: itemId, held: held, audit: audit) },
            onRejected: { [jobs] connection, itemId, reason, audit in
                try await jobs.withdraw(on: connection, itemId: itemId, reason: reason, audit: audit)
            }
        )
        self.renderer = try ReportRenderer(
            directory: configuration.resourcesDirectory.appendingPathComponent("templates"), requiring: CertificationDependencies.templates
        )
        var facts = ModuleWiring.certificationFacts(orders: orders, catalogue: catalogue, customers: customers, staff: staff, authorizations: authorizations)
        // A withdrawn certificate (nonconforming work) leaves the instrument register's service record, in that transaction.
        facts.certificateWithdrawn = { [instruments] certificateId, connection, audit in
            try await instruments.certificateWithdrawn(certificateId: certificateId, on: connection, audit: audit)
        }
        let dependencies = CertificationDependencies(
            database: database, jobs: jobs, equipment: equipment,
            facts: facts,
            receipt: ModuleWiring.receipt(samples),
            renderer: renderer, signingKey: signingKey,
            laboratory: (configuration.lab.name, configuration.lab.address, configuration.lab.accreditation), publicBaseURL: configuration.publicBaseURL
        )
        self.measurements = MeasurementStore(dependencies: dependencies)
        self.certification = ReviewAndSigning(dependencies: dependencies, measurements: measurements)
        self.certificates = CertificateStore(dependencies: dependencies)
        self.nonconformities = NonconformityStore(database: database, equipment: equipment, certificates: certificates)
        self.management = ManagementStore(database: database)
        self.invoiceDocuments = try InvoiceDocuments(
            renderer: renderer,
            issuer: .init(name: configuration.lab.name, address: configuration.lab.address, accreditation: configuration.lab.accreditation)
        )
        // Read once, like the signing key; a missing key leaves endpoint creation refused (503) and delivery off.
        let webhooks = WebhookStore(database: database, settings: configuration.webhooks, key: try WebhookKey.load(from: configuration.webhookKeyPath))
        self.webhooks = webhooks
        let pages = try WebPages(resources: configuration.resourcesDirectory, secureCookies: configuration.secureCookies)
        self.console = try Console(
            pages: pages,
            services: ConsoleServices(
                webSessions: webSessions, sourceAddress: sourceAddress, staff: staff, customers: customers, apiKeys: apiKeys,
                authorizations: authorizations, catalogue: catalogue, orders: orders, samples: samples, jobs: jobs, equipment: equipment,
                bookings: bookings, measurements: measurements, certification: certification, certificates: certificates, billing: billing,
                invoiceDocuments: invoiceDocuments, nonconformities: nonconformities, management: management, serviceExists: { [catalogue] code in try await catalogue.exists(code: code) }
            )
        )
        self.portal = try Portal(
            pages: pages,
            services: PortalServices(
                webSessions: webSessions, sessions: sessions, sourceAddress: sourceAddress, customers: customers, people: people, apiKeys: apiKeys,
                catalogue: catalogue, orders: orders, idempotency: idempotency, instruments: instruments, samples: samples,
                certificates: certificates, billing: billing, invoiceDocuments: invoiceDocuments, webhooks: webhooks
            )
        )
    }

    /// Routes open to anyone.
    func addOpenRoutes(to group: RouterGroup<AppRequestContext>) {
        AuthController(sessions: sessions, sourceAddress: sourceAddress).addOpenRoutes(to: group)
        CertificateController(certificates: certificates, signingKey: signingKey).addOpenRoutes(to: group)
    }

    /// Routes that need an authenticated caller.
    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        AuthController(sessions: sessions, sourceAddress: sourceAddress).addRoutes(to: group)
        UserController(staff: staff, authorizations: authorizations, serviceExists: serviceExists).addRoutes(to: group)
        CustomerController(customers: customers, apiKeys: apiKeys, people: people).addRoutes(to: group)
        AuditController(database: database).addRoutes(to: group)
        EventsController(database: database).addRoutes(to: group)
        UncertaintyController().addRoutes(to: group)
        CatalogueController(catalogue: catalogue).addRoutes(to: group)
        OrderController(orders: orders, idempotency: idempotency, database: database).addRoutes(to: group)
        InstrumentController(instruments: instruments).addRoutes(to: group)
        QualityController(nonconformities: nonconformities).addRoutes(to: group)
        SampleController(samples: samples).addRoutes(to: group)
        EquipmentController(equipment: equipment, serviceExists: serviceExists).addRoutes(to: group)
        BookingController(bookings: bookings).addRoutes(to: group)
        JobController(jobs: jobs).addRoutes(to: group)
        CertificationController(measurements: measurements, workflow: certification, database: database).addRoutes(to: group)
        CertificateController(
            certificates: certificates, signingKey: signingKey,
            instrumentCertificates: { [instruments] id in try await instruments.certificateIds(instrumentId: id) }
        ).addRoutes(to: group)
        InvoiceController(billing: billing, documents: invoiceDocuments).addRoutes(to: group)
        WebhookController(store: webhooks).addRoutes(to: group)
        ManagementController(reports: management).addRoutes(to: group)
    }

    /// Whether a service code is in the catalogue, for modules upstream of it (authorisations, equipment).
    var serviceExists: @Sendable (String) async throws -> Bool {
        { [catalogue] code in try await catalogue.exists(code: code) }
    }
}
