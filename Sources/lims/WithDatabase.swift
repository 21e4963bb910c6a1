import Foundation
import LIMSCore
import LIMSServer
import Logging
import PostgresNIO

/// The command line's logger, at the configured level.
func cliLogger(_ configuration: AppConfiguration) -> Logger {
    var logger = Logger(label: "calibra.cli")
    logger.logLevel = configuration.logLevel
    return logger
}

/// Runs one-off work (seeding, user creation) as the runtime role, against a pool that lives only for it.
func withDatabase<T: Sendable>(_ configuration: AppConfiguration, _ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
    let logger = cliLogger(configuration)
    let client = PostgresClient(configuration: configuration.database.clientConfiguration, backgroundLogger: logger)
    let database = Database(client: client, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        group.addTask { try await body(database) }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let result { return result }
        }
        throw CancellationError()
    }
}
