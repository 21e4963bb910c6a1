import Accounts
import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// The customer's instrument register. Owns `instruments`, `instrument_certificates` and `instrument_recall_notices`;
/// other modules register instruments and report certificates only through this API, inside their own transaction.
public struct InstrumentStore: Sendable {
    let database: Database
    /// The owners' reminder leads (`reminderLeadDays`) decide which instruments are due soon.
    let customers: CustomerStore

    public init(database: Database, customers: CustomerStore) {
        self.database = database
        self.customers = customers
    }

    /// Today in UTC, as the register compares due dates.
    public static func today(_ now: Date = Date()) -> String { DateFormats.formatDay(now) }

    // MARK: Reading

    /// One instrument with its history; another customer's is indistinguishable from a missing one (404).
    public func find(id: UUID, scope: UUID?, today: String = InstrumentStore.today()) async throws -> RegisteredInstrument {
        try await database.connection { connection in
            guard var instrument = try await find(id: id, on: connection, today: today), scope == nil || instrument.customerId == scope else {
                throw Problem.notFound("Instrument")
            }
            instrument.history = try await history(instrumentId: id, on: connection)
            return instrument
        }
    }

    /// One instrument (without its history) on the caller's connection; `nil` when unknown.
    public func find(id: UUID, on connection: PostgresConnection, today: String = InstrumentStore.today()) async throws -> RegisteredInstrument? {
        try await instruments(ids: [id], on: connection, today: today)[id]
    }

    /// Several instruments by id, in one round trip (for a re-order); unknown ids are absent from the result.
    public func instruments(ids: [UUID], on connection: PostgresConnection, today: String = InstrumentStore.today()) async throws -> [UUID: RegisteredInstrument] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("SELECT \(unescaped: Self.columns) FROM instruments i WHERE i.id = ANY(\(ids))", logger: database.logger)
        let found = try await Self.decode(rows)
        let leads = try await leadDays(for: Set(found.map(\.customerId)), on: connection)
        return Dictionary(uniqueKeysWithValues: found.map { ($0.id, Self.withStatus($0, today: today, leads: leads)) })
    }

    /// Every certificate issued for the instrument, newest first (by the date of the work, then of issue).
    public func history(instrumentId: UUID, on connection: PostgresConnection) async throws -> [HistoryEntry] {
        let rows = try await connection.query(
            """
            SELECT certificate_id, number, service_code, issued_on::text, service_on::text, kind, result, valid_until::text, status, revision, imported
            FROM instrument_certificates WHERE instrument_id = \(instrumentId)
            ORDER BY service_on DESC, issued_on DESC, recorded_at DESC
            """,
            logger: database.logger
        )
        var entries: [HistoryEntry] = []
        for try await row in rows.decode((UUID?, String, String, String, String, String, String, String?, String, Int, Bool).self) {
            entries.append(
                HistoryEntry(
                    certificateId: row.0, number: row.1, serviceCode: row.2, issuedOn: row.3, serviceOn: row.4, kind: row.5,
                    result: try StoredValue.decode(ServiceResult.self, row.6, table: "instrument_certificates", column: "result"),
                    validUntil: row.7, status: row.8, revision: row.9, imported: row.10
                )
            )
        }
        return entries
    }

    /// The ids of the certificates issued for the instrument (every revision; none for imported records).
    public func certificateIds(instrumentId: UUID) async throws -> [UUID] {
        let rows = try await database.client.query(
            "SELECT certificate_id FROM instrument_certificates WHERE instrument_id = \(instrumentId) AND certificate_id IS NOT NULL",
            logger: database.logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    // MARK: Reminder leads

    /// The reminder lead of each of `customerIds` (a customer unknown to Accounts gets the default).
    func leadDays(for customerIds: Set<UUID>, on connection: PostgresConnection) async throws -> [UUID: Int] {
        var leads: [UUID: Int] = [:]
        for id in customerIds {
            leads[id] = try await customers.reminderLeadDays(customerId: id, on: connection) ?? CustomerStore.defaultReminderLeadDays
        }
        return leads
    }

    /// `leads` as a JSON object keyed by the customer id's text form, for SQL to look a row's lead up by its owner
    /// without a join (`(leads ->> customer_id::text)::int`), so an index's order survives.
    static func leadsJSON(_ leads: [UUID: Int]) -> String {
        "{" + leads.map { "\"\($0.key.uuidString.lowercased())\":\($0.value)" }.joined(separator: ",") + "}"
    }

    // MARK: Rows

    static let columns = """
        i.id, i.customer_id, i.manufacturer, i.model, i.serial_number, i.asset_tag, i.description, i.location, i.category,
        i.mandatory_verification_category, i.calibration_interval_months, i.last_service_on::text, i.last_certificate_id,
        i.last_certificate_number, i.last_service_code, i.last_result, i.next_due_on::text, i.registered_at, i.seq,
        (i.next_due_on - DATE '1970-01-01')
        """

    /// Rows of ``columns``, with the status still to compute (``withStatus(_:today:leads:)``).
    static func decode(_ rows: PostgresRowSequence) async throws -> [RegisteredInstrument] {
        var found: [RegisteredInstrument] = []
        for try await row in rows.decode(
            (UUID, UUID, String, String, String, String?, String?, String?, String?, String?, Int?, String?, UUID?, String?, String?, String?,
             String?, Date, Int64, Int?).self
        ) {
            var instrument = RegisteredInstrument(
                id: row.0, customerId: row.1, manufacturer: row.2, model: row.3, serialNumber: row.4, assetTag: row.5, description: row.6,
                location: row.7, category: row.8,
                mandatoryVerificationCategory: try row.9.map {
                    try StoredValue.decode(MandatoryVerificationCategory.self, $0, table: "instruments", column: "mandatory_verification_category")
                },
                calibrationIntervalMonths: row.10, lastServiceOn: row.11, lastCertificateId: row.12, lastCertificateNumber: row.13,
                lastServiceCode: row.14,
                lastResult: try row.15.map { try StoredValue.decode(ServiceResult.self, $0, table: "instruments", column: "last_result") },
                nextDueOn: row.16, status: .noDueDate, registeredAt: row.17, history: nil
            )
            instrument.seq = row.18
            instrument.dueDay = row.19
            found.append(instrument)
        }
        return found
    }

    static func withStatus(_ instrument: RegisteredInstrument, today: String, leads: [UUID: Int]) -> RegisteredInstrument {
        var instrument = instrument
        instrument.status = InstrumentStatus.of(
            lastResult: instrument.lastResult, nextDueOn: instrument.nextDueOn, today: today,
            leadDays: leads[instrument.customerId] ?? CustomerStore.defaultReminderLeadDays
        )
        return instrument
    }
}
