import Foundation
import LIMSServer
import LIMSTestSupport
import Logging
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigrationTests {
    let logger = Logger(label: "migration-tests")

    /// A private copy of Migrations/ that a test may edit.
    func copyOfMigrations() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-migrations-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestDatabase.projectRoot.appendingPathComponent("Migrations"), to: folder)
        return folder
    }

    func applied(_ url: DatabaseURL) async throws -> [(String, String)] {
        let connection = try await url.connect(logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT name, checksum FROM schema_migrations ORDER BY applied_at, name", logger: logger)
        var result: [(String, String)] = []
        for try await row in rows.decode((String, String).self) { result.append(row) }
        return result
    }

    @Test func appliesEveryFileInOrderAndRecordsChecksums() async throws {
        let url = try await TestDatabase.makeEmpty()
        let migrator = Migrator(directory: TestDatabase.projectRoot.appendingPathComponent("Migrations"))
        let connection = try await url.connect(logger: logger)
        let first = try await migrator.migrate(connection: connection, logger: logger)
        let second = try await migrator.migrate(connection: connection, logger: logger)
        try await connection.close()
        let files = try migrator.migrations()
        #expect(first == files.map(\.name))
        #expect(first == first.sorted())
        #expect(second.isEmpty)
        let recorded = try await applied(url)
        #expect(recorded.map(\.0) == files.map(\.name))
        #expect(recorded.map(\.1) == files.map(\.checksum))
    }

    @Test func refusesWhenAnAppliedFileWasEdited() async throws {
        let url = try await TestDatabase.makeEmpty()
        let folder = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: folder) }
        let migrator = Migrator(directory: folder)
        let connection = try await url.connect(logger: logger)
        try await migrator.migrate(connection: connection, logger: logger)
        let first = try #require(try migrator.migrations().first)
        try (first.sql + "\n-- edited later\n").write(to: folder.appendingPathComponent(first.name), atomically: true, encoding: .utf8)
        await #expect(throws: MigrationError.self) { try await migrator.migrate(connection: connection, logger: logger) }
        try await connection.close()
    }

    @Test func aNewFileIsAppliedLater() async throws {
        let url = try await TestDatabase.makeEmpty()
        let folder = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: folder) }
        let migrator = Migrator(directory: folder)
        let connection = try await url.connect(logger: logger)
        try await migrator.migrate(connection: connection, logger: logger)
        try "CREATE TABLE later_table (id int);\nINSERT INTO later_table VALUES (1);\n"
            .write(to: folder.appendingPathComponent("9999_later.sql"), atomically: true, encoding: .utf8)
        #expect(try await migrator.pending(connection: connection, logger: logger) == ["9999_later.sql"])
        #expect(try await migrator.migrate(connection: connection, logger: logger) == ["9999_later.sql"])
        #expect(try await migrator.pending(connection: connection, logger: logger).isEmpty)
        try await connection.close()
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        let url = try await TestDatabase.makeEmpty()
        let migrator = Migrator(directory: TestDatabase.projectRoot.appendingPathComponent("Migrations"))
        let logger = self.logger
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let connection = try await url.connect(logger: logger)
                    let applied = try await migrator.migrate(connection: connection, logger: logger)
                    try await connection.close()
                    return applied
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        let files = try migrator.migrations().map(\.name)
        #expect(results.flatMap { $0 }.sorted() == files.sorted())  // every file applied by exactly one migrator
        #expect(try await applied(url).count == files.count)
    }
}
