import Accounts
import Foundation
import Hummingbird
import LIMSCore

/// Every module's stores and controllers, made once per application and wired together here:
/// where an effect runs against the module arrows, this is where the handler is connected.
struct Modules {
    let database: Database
    let staff: StaffStore
    let sessions: SessionStore
    let customers: CustomerStore
    let apiKeys: APIKeyStore
    let authorizations: AuthorizationStore

    init(configuration: AppConfiguration, database: Database) {
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        self.database = database
        self.staff = StaffStore(database: database, hasher: hasher)
        self.sessions = SessionStore(database: database, hasher: hasher)
        self.customers = CustomerStore(database: database)
        self.apiKeys = APIKeyStore(database: database)
        self.authorizations = AuthorizationStore(database: database)
    }

    /// Routes open to anyone.
    func addOpenRoutes(to group: RouterGroup<AppRequestContext>) {
        AuthController(sessions: sessions).addOpenRoutes(to: group)
    }

    /// Routes that need an authenticated caller.
    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        AuthController(sessions: sessions).addRoutes(to: group)
        UserController(staff: staff, authorizations: authorizations, serviceExists: { _ in true }).addRoutes(to: group)
        CustomerController(customers: customers, apiKeys: apiKeys).addRoutes(to: group)
        AuditController(database: database).addRoutes(to: group)
        EventsController(database: database).addRoutes(to: group)
    }
}
