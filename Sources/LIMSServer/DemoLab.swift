import Accounts
import Foundation
import LIMSCore
import Logging

/// The demo lab `lims seed-demo` makes, so a newcomer's first run shows a working lab.
/// Each module adds its part here, through its own public API. Seeding twice changes nothing.
public struct DemoLab: Sendable {
    let configuration: AppConfiguration
    let database: Database

    public init(configuration: AppConfiguration, database: Database) {
        self.configuration = configuration
        self.database = database
    }

    /// Demo staff: one per role, and an admin who holds them all.
    static let staff: [(email: String, name: String, roles: [String])] = [
        ("admin@calibra.test", "Ada Admin", ["admin", "billing"]),
        ("reception@calibra.test", "Rui Reception", ["receptionist"]),
        ("tech@calibra.test", "Tao Technician", ["technician"]),
        ("tech2@calibra.test", "Lin Technician", ["technician"]),
        ("review@calibra.test", "Mei Reviewer", ["reviewer", "technician"]),
        ("sign@calibra.test", "Sun Signatory", ["signatory", "reviewer"]),
        ("billing@calibra.test", "Bo Billing", ["billing"]),
    ]

    /// Seeds the lab and returns a report to print: credentials appear only on the run that created them.
    public func seed() async throws -> String {
        let existing = try await database.client.query(
            "SELECT count(*) FROM staff_users WHERE email = 'admin@calibra.test'", logger: database.logger
        )
        for try await count in existing.decode(Int.self) where count > 0 {
            return "The demo lab already exists (admin: admin@calibra.test; its password was printed when it was created)."
        }
        let modules = Modules(configuration: configuration, database: database)
        let password = SecretToken.generate(prefix: "").prefix(16).description
        var lines = ["Demo lab created.", "", "Staff (all with the password \(password)):"]
        for member in Self.staff {
            let user = try await modules.staff.create(.init(email: member.email, name: member.name, roles: member.roles, password: password), audit: .system)
            lines.append("  \(user.email.padding(toLength: 26, withPad: " ", startingAt: 0)) \(member.roles.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
