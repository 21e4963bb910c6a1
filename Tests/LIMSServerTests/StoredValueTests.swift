import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Logging
import Synchronization
import Testing

@Suite("Stored enum values decode strictly")
struct StoredValueTests {
    @Test func anUnknownStoredValueIsAnErrorNamingTableColumnAndValue() throws {
        #expect(try StoredValue.decode(Role.self, "signatory", table: "staff_users", column: "roles") == .signatory)
        #expect(try StoredValue.decode(Role.self, ["admin", "billing"], table: "staff_users", column: "roles") == [.admin, .billing])
        #expect(try StoredValue.decodeIfPresent(Role.self, nil, table: "t", column: "c") == nil)
        let error = try #require(throws: StoredValueError.self) {
            try StoredValue.decode(Role.self, ["admin", "wizard"], table: "staff_users", column: "roles")
        }
        #expect(error.table == "staff_users")
        #expect(error.column == "roles")
        #expect(error.value == "wizard")
        #expect(error.description.contains("staff_users.roles"))
    }

    @Test func anUnknownStoredValueAnswersAnOpaque500AndLogsTableAndValue() async throws {
        let logs = CapturedLogs()
        try await TestLab.run(customize: { $0.logHandler = { label in logs.handler(label: label) } }) { lab in
            let created = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: ["assetTag": .string("REF-SV"), "name": .string("Pressure balance"), "manufacturer": .string("Fluke"),
                       "model": .string("P3100"), "serialNumber": .string("PB-1"), "quantity": .string("pressure"), "range": .string("0 to 10 MPa")]
            )
            try created.expect(.created)
            let id = try created.string("id")
            // A value no version of the code knows, as if written by a newer release: this test's own database drops the CHECK.
            let unknown = "mothballed-\(UUID().uuidString.prefix(8).lowercased())"
            try await lab.asOwner("ALTER TABLE equipment DROP CONSTRAINT equipment_status_check")
            try await lab.database.client.query(
                "UPDATE equipment SET status = \(unknown) WHERE id = \(try created.uuid("id"))", logger: lab.database.logger
            )

            let response = try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken)
            #expect(response.status == .internalServerError)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(!(try response.string("detail")).contains(unknown), "the value stays in the log, not in the answer")
            let logged = logs.records.filter { $0.level == .error && $0.metadata["value"] == .string(unknown) }
            #expect(logged.count == 1)
            #expect(logged.first?.metadata["table"] == .string("equipment"))
            #expect(logged.first?.metadata["column"] == .string("status"))
        }
    }
}

/// Keeps every record logged through its handlers, for a test to read.
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let stored = Mutex<[Record]>([])

    var records: [Record] { stored.withLock { $0 } }

    func handler(label: String) -> any LogHandler { Handler(logs: self) }

    fileprivate func append(_ record: Record) { stored.withLock { $0.append(record) } }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.append(Record(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}
