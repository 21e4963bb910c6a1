import Accounts
import Billing
import Certification
import Management
import Orders
import Quality
import Samples
import Scheduling

/// The module APIs the console's pages call (never SQL, never the HTTP API).
public struct ConsoleServices: Sendable {
    public var webSessions: WebSessionStore
    public var sourceAddress: SourceAddress
    public var staff: StaffStore
    public var customers: CustomerStore
    public var apiKeys: APIKeyStore
    public var authorizations: AuthorizationStore
    public var catalogue: CatalogueStore
    public var orders: OrderStore
    public var samples: SampleStore
    public var jobs: JobQueue
    public var equipment: EquipmentStore
    public var bookings: BookingStore
    public var measurements: MeasurementStore
    public var certification: ReviewAndSigning
    public var certificates: CertificateStore
    public var billing: BillingStore
    public var invoiceDocuments: InvoiceDocuments
    public var nonconformities: NonconformityStore
    public var management: ManagementStore
    public var serviceExists: @Sendable (String) async throws -> Bool

    public init(
        webSessions: WebSessionStore, sourceAddress: SourceAddress, staff: StaffStore, customers: CustomerStore, apiKeys: APIKeyStore, authorizations: AuthorizationStore,
        catalogue: CatalogueStore, orders: OrderStore, samples: SampleStore, jobs: JobQueue, equipment: EquipmentStore, bookings: BookingStore,
        measurements: MeasurementStore, certification: ReviewAndSigning, certificates: CertificateStore, billing: BillingStore,
        invoiceDocuments: InvoiceDocuments, nonconformities: NonconformityStore, management: ManagementStore, serviceExists: @escaping @Sendable (String) async throws -> Bool
    ) {
        self.webSessions = webSessions
        self.sourceAddress = sourceAddress
        self.staff = staff
        self.customers = customers
        self.apiKeys = apiKeys
        self.authorizations = authorizations
        self.catalogue = catalogue
        self.orders = orders
        self.samples = samples
        self.jobs = jobs
        self.equipment = equipment
        self.bookings = bookings
        self.measurements = measurements
        self.certification = certification
        self.certificates = certificates
        self.billing = billing
        self.invoiceDocuments = invoiceDocuments
        self.nonconformities = nonconformities
        self.management = management
        self.serviceExists = serviceExists
    }
}
