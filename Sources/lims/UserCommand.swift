import Accounts
import ArgumentParser
import Foundation
import LIMSCore
import LIMSServer

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage staff users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff user (the way to make the first admin).")

        @Option var email: String
        @Option var name: String
        @Option(help: "Comma-separated roles: admin, receptionist, technician, reviewer, signatory, billing.")
        var roles: String
        @Flag(help: "Read the password from standard input (one line), so it never appears in the process list.")
        var passwordStdin = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard passwordStdin else { throw ValidationError("--password-stdin is required: passwords are never taken as arguments.") }
        }

        func run() async throws {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("No password on standard input.")
            }
            let configuration = try database.configuration()
            let roleNames = roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            try await Migrator(directory: configuration.migrationsDirectory).migrate(url: configuration.migrationDatabase, logger: cliLogger(configuration))
            let user = try await withDatabase(configuration) { [email, name] db in
                let policy = try PasswordPolicy(resourcesDirectory: configuration.resourcesDirectory)
                let store = StaffStore(database: db, hasher: PasswordHasher(cost: configuration.bcryptCost), policy: policy)
                do {
                    return try await store.create(.init(email: email, name: name, roles: roleNames, password: password), audit: .system)
                } catch let problem as Problem {
                    let fields = problem.errors.map { "  \($0.field): \($0.message)" }.joined(separator: "\n")
                    throw ValidationError("\(problem.detail)\n\(fields)")
                }
            }
            print("Created \(user.email) (\(user.roles.map(\.rawValue).joined(separator: ", "))), id \(user.id)")
        }
    }
}
