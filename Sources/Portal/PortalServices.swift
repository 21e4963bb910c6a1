import Accounts
import Billing
import Certification
import Instruments
import Orders
import Samples
import Webhooks

/// The module APIs the portal's pages call (never SQL, never the HTTP API). Every call passes the signed-in
/// customer as its scope.
public struct PortalServices: Sendable {
    public var webSessions: WebSessionStore
    public var sessions: SessionStore
    public var sourceAddress: SourceAddress
    public var customers: CustomerStore
    public var people: CustomerUserStore
    public var apiKeys: APIKeyStore
    public var catalogue: CatalogueStore
    public var orders: OrderStore
    public var idempotency: Idempotency
    public var instruments: InstrumentStore
    public var samples: SampleStore
    public var certificates: CertificateStore
    public var billing: BillingStore
    public var invoiceDocuments: InvoiceDocuments
    public var webhooks: WebhookStore

    public init(
        webSessions: WebSessionStore, sessions: SessionStore, sourceAddress: SourceAddress, customers: CustomerStore, people: CustomerUserStore,
        apiKeys: APIKeyStore, catalogue: CatalogueStore, orders: OrderStore, idempotency: Idempotency, instruments: InstrumentStore,
        samples: SampleStore, certificates: CertificateStore, billing: BillingStore, invoiceDocuments: InvoiceDocuments,
        webhooks: WebhookStore
    ) {
        self.webhooks = webhooks
        self.webSessions = webSessions
        self.sessions = sessions
        self.sourceAddress = sourceAddress
        self.customers = customers
        self.people = people
        self.apiKeys = apiKeys
        self.catalogue = catalogue
        self.orders = orders
        self.idempotency = idempotency
        self.instruments = instruments
        self.samples = samples
        self.certificates = certificates
        self.billing = billing
        self.invoiceDocuments = invoiceDocuments
    }
}
