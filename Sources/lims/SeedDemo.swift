import ArgumentParser
import Foundation
import LIMSServer

struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Create a demo lab: staff, catalogue, equipment, customers with API keys, orders at every stage."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        try await Migrator(directory: configuration.migrationsDirectory).migrate(url: configuration.migrationDatabase, logger: cliLogger(configuration))
        let report = try await withDatabase(configuration) { db in
            try await DemoLab(configuration: configuration, database: db).seed()
        }
        print(report)
    }
}
