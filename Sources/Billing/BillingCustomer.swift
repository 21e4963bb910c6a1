import Foundation
import PostgresNIO

/// What billing needs to know about a customer, who belongs to Accounts: read through a function the server
/// wires in (``BillingStore/CustomerLookup``), so Billing does not depend on Accounts.
public struct BillingCustomer: Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var address: String
    public var taxId: String?
    public var paymentTermsDays: Int
    /// `en`, `zh-Hans` or `bilingual`: the language its invoices are issued in.
    public var documentLanguage: String

    public init(id: UUID, code: String, name: String, address: String, taxId: String?, paymentTermsDays: Int, documentLanguage: String = "en") {
        self.documentLanguage = documentLanguage
        self.id = id
        self.code = code
        self.name = name
        self.address = address
        self.taxId = taxId
        self.paymentTermsDays = paymentTermsDays
    }
}

extension BillingStore {
    /// Reads a customer by id inside the caller's transaction; `nil` when unknown.
    public typealias CustomerLookup = @Sendable (UUID, PostgresConnection) async throws -> BillingCustomer?
}
