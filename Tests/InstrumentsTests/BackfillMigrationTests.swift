import Foundation
import LIMSCore
import LIMSServer
import LIMSTestSupport
import Logging
import PostgresNIO
import Testing

/// Migration 0019 builds the register from a database that already holds orders and certificates: a database migrated
/// up to 0017, given orders the way the older version wrote them, then migrated to the end.
@Suite("Instrument register backfill")
struct BackfillMigrationTests {
    let logger = Logger(label: "backfill-tests")

    /// Migrations/ up to (not including) `first`, in a folder of its own.
    func migrations(before first: String) throws -> URL {
        let source = TestDatabase.projectRoot.appendingPathComponent("Migrations")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-before-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".sql") && name < first {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func day(_ offset: Int) -> String { LabFlow.today(offsetDays: offset) }

    static func document(service: String, calibratedOn: Int, issuedOn: Int, validUntil: Int?) -> String {
        let valid = validUntil.map { ", \"validUntil\": \"\(day($0))\"" } ?? ""
        return "{\"method\": {\"serviceCode\": \"\(service)\"}, \"calibratedOn\": \"\(day(calibratedOn))\", \"issuedOn\": \"\(day(issuedOn))\"\(valid)}"
    }

    @Test func theBackfillRegistersEveryOrderedInstrumentAndItsCertificates() async throws {
        let url = try await TestDatabase.makeEmpty()
        let before = try migrations(before: "0018")
        defer { try? FileManager.default.removeItem(at: before) }
        let connection = try await url.connect(logger: logger)
        let older = try await Migrator(directory: before).migrate(connection: connection, logger: logger)
        #expect(older.last == "0017_accounts_web_sessions.sql")

        let (c1, c2) = (UUID(), UUID())
        let (o1, o2, o3) = (UUID(), UUID(), UUID())
        let (i1, i2, i3, i4) = (UUID(), UUID(), UUID(), UUID())
        let (cert1, cert2, cert3, cert3b) = (UUID(), UUID(), UUID(), UUID())
        let statements: [PostgresQuery] = [
            """
            INSERT INTO customers (id, code, name, address, currency, billing_email, discount_basis_points, tax_rate_basis_points, payment_terms_days)
            VALUES (\(c1), 'OLD1', 'Old One', 'Road 1', 'CNY', 'a@one.test', 0, 600, 30), (\(c2), 'OLD2', 'Old Two', 'Road 2', 'CNY', 'a@two.test', 0, 600, 30)
            """,
            """
            INSERT INTO services (code, title, kind, instrument_category, quantity, unit, range, method, accredited, turnaround_days,
                                  expedite_surcharge_basis_points, verification_period_months)
            VALUES ('OLD-VER', 'Gauge verification', 'verification', 'Pressure gauge', 'pressure', 'MPa', '0 to 60 MPa', 'JJG 52-2013', true, 5, 0, 12),
                   ('OLD-CAL', 'Balance calibration', 'calibration', 'Balance', 'mass', 'g', '0 to 2200 g', 'JJF 1847-2020', true, 7, 0, NULL)
            """,
            """
            INSERT INTO orders (id, number, customer_id, customer_reference, priority, status, currency, quote, submitted_at)
            VALUES (\(o1), 'ORD-2025-000001', \(c1), 'PO-1', 'standard', 'completed', 'CNY', '{}', now() - interval '400 days'),
                   (\(o2), 'ORD-2026-000001', \(c1), 'PO-2', 'standard', 'completed', 'CNY', '{}', now() - interval '31 days'),
                   (\(o3), 'ORD-2026-000002', \(c2), 'PO-3', 'standard', 'submitted', 'CNY', '{}', now() - interval '2 days')
            """,
            """
            INSERT INTO order_items (id, order_id, line_number, service_code, manufacturer, model, serial_number, asset_tag, unit_price_minor, status)
            VALUES (\(i1), \(o1), 1, 'OLD-VER', 'Yichuan', 'Y-100', 'G-77', NULL, 28000, 'certified'),
                   (\(i2), \(o1), 2, 'OLD-CAL', 'Sartorius', 'BCE2202', 'B-1', 'LAB-9', 42000, 'certified'),
                   (\(i3), \(o2), 1, 'OLD-VER', '  YICHUAN ', 'y-100', ' g-77', NULL, 28000, 'certified'),
                   (\(i4), \(o3), 1, 'OLD-VER', 'Yichuan', 'Y-100', 'G-77', NULL, 28000, 'awaiting_receipt')
            """,
            """
            INSERT INTO certificates (id, number, base_number, revision, supersedes, job_id, item_id, order_id, customer_id, document_kind, document,
                                      canonical, digest, signature, html, plain_text, issued_at, issued_by)
            VALUES (\(cert1), 'CERT-2025-000001', 'CERT-2025-000001', 0, NULL, gen_random_uuid(), \(i1), \(o1), \(c1), 'verification-certificate',
                    \(Self.document(service: "OLD-VER", calibratedOn: -400, issuedOn: -399, validUntil: -35))::jsonb, '', '', '', '', '', now() - interval '399 days', gen_random_uuid()),
                   (\(cert2), 'CERT-2025-000002', 'CERT-2025-000002', 0, NULL, gen_random_uuid(), \(i2), \(o1), \(c1), 'calibration-certificate',
                    \(Self.document(service: "OLD-CAL", calibratedOn: -398, issuedOn: -398, validUntil: nil))::jsonb, '', '', '', '', '', now() - interval '398 days', gen_random_uuid()),
                   (\(cert3), 'CERT-2026-000001', 'CERT-2026-000001', 0, NULL, gen_random_uuid(), \(i3), \(o2), \(c1), 'verification-certificate',
                    \(Self.document(service: "OLD-VER", calibratedOn: -30, issuedOn: -29, validUntil: 334))::jsonb, '', '', '', '', '', now() - interval '29 days', gen_random_uuid())
            """,
            """
            INSERT INTO certificates (id, number, base_number, revision, supersedes, job_id, item_id, order_id, customer_id, document_kind, document,
                                      canonical, digest, signature, html, plain_text, issued_at, issued_by, amendment_reason)
            VALUES (\(cert3b), 'CERT-2026-000001-R1', 'CERT-2026-000001', 1, \(cert3), gen_random_uuid(), \(i3), \(o2), \(c1), 'verification-certificate',
                    \(Self.document(service: "OLD-VER", calibratedOn: -30, issuedOn: -20, validUntil: 334))::jsonb, '', '', '', '', '', now() - interval '20 days',
                    gen_random_uuid(), 'Address corrected')
            """,
        ]
        for statement in statements { try await connection.query(statement, logger: logger) }

        let applied = try await Migrator(directory: TestDatabase.projectRoot.appendingPathComponent("Migrations")).migrate(connection: connection, logger: logger)
        #expect(applied.contains("0019_instruments_backfill.sql"))

        func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
            let rows = try await connection.query(query, logger: logger)
            for try await value in rows.decode(T.self) { return value }
            return nil
        }
        #expect(try await scalar("SELECT count(*)::int FROM instruments", as: Int.self) == 3)
        #expect(try await scalar("SELECT count(*)::int FROM order_items WHERE instrument_id IS NULL", as: Int.self) == 0)
        let gauge = try #require(try await scalar("SELECT instrument_id FROM order_items WHERE id = \(i1)", as: UUID.self))
        #expect(try await scalar("SELECT instrument_id FROM order_items WHERE id = \(i3)", as: UUID.self) == gauge)
        #expect(try await scalar("SELECT instrument_id FROM order_items WHERE id = \(i4)", as: UUID.self) != gauge)
        let facts = try await connection.query(
            """
            SELECT manufacturer, serial_number, category, last_certificate_number, last_result, next_due_on::text, last_service_on::text,
                   registered_at < now() - interval '399 days', last_ordered_at BETWEEN now() - interval '32 days' AND now() - interval '30 days'
            FROM instruments WHERE id = \(gauge)
            """,
            logger: logger
        )
        for try await row in facts.decode((String, String, String?, String?, String?, String?, String?, Bool, Bool).self) {
            #expect(row.0 == "Yichuan" && row.1 == "G-77")  // as first typed
            #expect(row.2 == "Pressure gauge")
            #expect(row.3 == "CERT-2026-000001-R1")
            #expect(row.4 == "pass")
            #expect(row.5 == Self.day(334))
            #expect(row.6 == Self.day(-30))
            #expect(row.7 && row.8)
        }
        let history = try await connection.query(
            "SELECT number, status FROM instrument_certificates WHERE instrument_id = \(gauge) ORDER BY number", logger: logger
        )
        var entries: [String] = []
        for try await (number, status) in history.decode((String, String).self) { entries.append("\(number) \(status)") }
        #expect(entries == ["CERT-2025-000001 issued", "CERT-2026-000001 superseded", "CERT-2026-000001-R1 issued"])
        let balance = try #require(try await scalar("SELECT instrument_id FROM order_items WHERE id = \(i2)", as: UUID.self))
        #expect(try await scalar("SELECT last_result FROM instruments WHERE id = \(balance)", as: String.self) == "calibrated")
        #expect(try await scalar("SELECT asset_tag FROM instruments WHERE id = \(balance)", as: String.self) == "LAB-9")
        try await connection.close()

        // The server reads the backfilled register like any other.
        try await TestLab.run(on: url) { lab in
            let register = try await lab.api.get("/v1/instruments?customerId=\(c1)", token: lab.adminToken)
            try register.expect(.ok)
            let statuses = Dictionary(uniqueKeysWithValues: try register.array("items").compactMap { item in
                item["serialNumber"]?.stringValue.map { ($0, item["status"]?.stringValue ?? "") }
            })
            #expect(statuses == ["G-77": "in_period", "B-1": "no_due_date"])
            let one = try await lab.api.get("/v1/instruments/\(gauge)", token: lab.adminToken)
            #expect(try one.array("history").map { $0["number"]?.stringValue } == ["CERT-2026-000001-R1", "CERT-2026-000001", "CERT-2025-000001"])
        }
    }
}
