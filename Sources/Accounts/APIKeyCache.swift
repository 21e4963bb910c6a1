import Foundation
import LIMSCore
import NIOCore

/// API keys' principals, by the SHA-256 of the key (as the table keeps it: the secret itself is never held), following
/// the notices `api_key:<id>` of the trigger on `api_keys` (migration 0060).
public typealias APIKeyCache = FollowedCache<ByteBuffer, CustomerPrincipal>

extension FollowedCache where Key == ByteBuffer, Value == CustomerPrincipal {
    public convenience init(maxAge: Duration = .seconds(300), capacity: Int = 10_000) {
        self.init(kind: "api_key", maxAge: maxAge, capacity: capacity) { $0.apiKeyId.map { $0.uuidString.lowercased() } ?? "" }
    }
}

/// Customers as order pricing reads them, by id, following the notices `customer:<id>` of the trigger on `customers`.
public typealias CustomerCache = FollowedCache<UUID, Customer>

extension FollowedCache where Key == UUID, Value == Customer {
    public convenience init(maxAge: Duration = .seconds(300), capacity: Int = 10_000) {
        self.init(kind: "customer", maxAge: maxAge, capacity: capacity) { $0.id.uuidString.lowercased() }
    }
}
