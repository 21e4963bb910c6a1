import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Orders

/// Every module's stores and controllers, made once per application and wired together here:
/// where an effect runs against the module arrows, this is where the handler is connected.
struct Modules {
    let database: Database
    let staff: StaffStore
    let sessions: SessionStore
    let customers: CustomerStore
    let apiKeys: APIKeyStore
    let authorizations: AuthorizationStore
    let catalogue: CatalogueStore
    let orders: OrderStore
    let idempotency: Idempotency

    init(configuration: AppConfiguration, database: Database) {
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        self.database = database
        self.staff = StaffStore(database: database, hasher: hasher)
        self.sessions = SessionStore(database: database, hasher: hasher)
        self.customers = CustomerStore(database: database)
        self.apiKeys = APIKeyStore(database: database)
        self.authorizations = AuthorizationStore(database: database)
        self.catalogue = CatalogueStore(database: database)
        self.orders = OrderStore(database: database, catalogue: catalogue, customers: customers)
        self.idempotency = Idempotency(database: database)
    }

    /// Routes open to anyone.
    func addOpenRoutes(to group: RouterGroup<AppRequestContext>) {
        AuthController(sessions: sessions).addOpenRoutes(to: group)
    }

    /// Routes that need an authenticated caller.
    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        AuthController(sessions: sessions).addRoutes(to: group)
        UserController(staff: staff, authorizations: authorizations, serviceExists: serviceExists).addRoutes(to: group)
        CustomerController(customers: customers, apiKeys: apiKeys).addRoutes(to: group)
        AuditController(database: database).addRoutes(to: group)
        EventsController(database: database).addRoutes(to: group)
        CatalogueController(catalogue: catalogue).addRoutes(to: group)
        OrderController(orders: orders, idempotency: idempotency, database: database).addRoutes(to: group)
    }

    /// Whether a service code is in the catalogue, for modules upstream of it (authorisations, equipment).
    var serviceExists: @Sendable (String) async throws -> Bool {
        { [catalogue] code in try await catalogue.exists(code: code) }
    }
}
