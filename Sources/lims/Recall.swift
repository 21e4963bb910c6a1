import ArgumentParser
import Foundation
import LIMSServer

/// `lims recall run`: one pass of the recall sweep now, for cron-style operation and tests.
struct Recall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "The recall of customers' instruments falling due.",
        subcommands: [Run.self]
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one pass of the recall sweep: instrument.due_soon and instrument.overdue events, once per instrument and due date."
        )

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try database.configuration()
            try await Migrator(directory: configuration.migrationsDirectory).migrate(url: configuration.migrationDatabase, logger: cliLogger(configuration))
            let started = ContinuousClock.now
            let sent = try await withDatabase(configuration) { db in try await runRecallSweep(database: db) }
            let elapsed = (ContinuousClock.now - started).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            print("Recall sweep: \(sent.dueSoon) due-soon and \(sent.overdue) overdue notice(s) sent in \(String(format: "%.1f", milliseconds)) ms")
        }
    }
}
