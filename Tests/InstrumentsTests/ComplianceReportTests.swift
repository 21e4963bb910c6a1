import Foundation
import Instruments
import LIMSCore
import LIMSTestSupport
import Testing

/// `GET /v1/reports/compliance` on a fixed data set, against figures worked out by hand.
@Suite("Compliance report")
struct ComplianceReportTests {
    @Test func figuresOnAFixedDataSetEqualTheHandComputedOnes() async throws {
        try await TestLab.run { lab in
            let f = RegisterFixtures(lab: lab)
            let customer = try await lab.customer()
            let other = try await lab.customer()
            // Days are relative to today; the customer is reminded 30 days ahead (the default).
            // A, safety: verified elsewhere (valid until -35), re-verified here, issued -38 (on time), then amended (counted once).
            let a = try await f.instrument(customer.id, serial: "A", mandatory: .safetyProtection)
            try await f.certificate(a, .pass, serviceOn: -400, validUntil: -35, imported: true)
            let r1 = try await f.certificate(a, .pass, serviceOn: -40, issuedOn: -38, validUntil: 100)
            try await lab.database.transaction { connection in
                try await f.store.recordCertificate(
                    CertificateRecord(
                        certificateId: UUID(), number: "CERT-A-R1", revision: 1, supersedes: r1, serviceCode: "SVC", documentKind: "verification-certificate",
                        serviceOn: RegisterFixtures.day(-40), issuedOn: RegisterFixtures.day(-30), validUntil: RegisterFixtures.day(100)
                    ),
                    instrumentId: a, on: connection, audit: .system
                )
            }
            // B, safety: valid until -60, re-verified at -50 (late) and failed.
            let b = try await f.instrument(customer.id, serial: "B", mandatory: .safetyProtection)
            try await f.certificate(b, .pass, serviceOn: -500, validUntil: -60)
            try await f.certificate(b, .fail, serviceOn: -50)
            // C, trade: valid until -20, not back yet: overdue.
            let c = try await f.instrument(customer.id, serial: "C", mandatory: .tradeSettlement)
            try await f.certificate(c, .pass, serviceOn: -380, validUntil: -20)
            // D, trade: valid until +10: due soon; verified before the window.
            let d = try await f.instrument(customer.id, serial: "D", mandatory: .tradeSettlement)
            try await f.certificate(d, .pass, serviceOn: -355, validUntil: 10)
            // E, medical: valid until -300 (imported), re-verified at -10 (late): in period.
            let e = try await f.instrument(customer.id, serial: "E", mandatory: .medical)
            try await f.certificate(e, .pass, serviceOn: -700, validUntil: -300, imported: true)
            try await f.certificate(e, .pass, serviceOn: -10, validUntil: 355)
            // F calibrated without an interval, G never serviced: no due date, no mandatory verification.
            let fInstrument = try await f.instrument(customer.id, serial: "F")
            try await f.certificate(fInstrument, .calibrated, serviceOn: -30)
            _ = try await f.instrument(customer.id, serial: "G")
            // I, trade: first verified in the window, nothing before it: in period, not a re-verification.
            let i = try await f.instrument(customer.id, serial: "I", mandatory: .tradeSettlement)
            try await f.certificate(i, .pass, serviceOn: -100, validUntil: 265)
            // J, another customer's: valid until -10, re-verified at -20 (on time).
            let j = try await f.instrument(other.id, serial: "J", mandatory: .medical)
            try await f.certificate(j, .pass, serviceOn: -375, validUntil: -10)
            try await f.certificate(j, .pass, serviceOn: -20, validUntil: 345)

            let window = "from=\(RegisterFixtures.day(-200))&to=\(RegisterFixtures.day(0))"
            let report = try await lab.api.get("/v1/reports/compliance?customerId=\(customer.id)&\(window)", token: lab.adminToken)
            try report.expect(.ok)
            #expect(try report.number("instruments") == 8)
            #expect(try report.number("inPeriod") == 3)  // A, E, I
            #expect(try report.number("dueSoon") == 1)  // D
            #expect(try report.number("overdue") == 1)  // C
            #expect(try report.number("failed") == 1)  // B
            #expect(try report.number("noDueDate") == 2)  // F, G
            #expect(try report.number("reverifications") == 3)  // A (on time), B (late), E (late)
            #expect(try report.number("onTime") == 1)
            #expect(abs(try report.number("onTimeRate") - 1.0 / 3.0) < 1e-9)
            let rows = try report.array("byCategory")
            #expect(rows.map { $0["category"] } == [.string("medical"), .string("safety_protection"), .string("trade_settlement"), .null])
            let counts = rows.map { row in ["instruments", "inPeriod", "dueSoon", "overdue", "failed", "noDueDate"].map { row[$0]?.numberValue ?? -1 } }
            #expect(counts == [[1, 1, 0, 0, 0, 0], [2, 1, 0, 0, 1, 0], [3, 1, 1, 1, 0, 0], [2, 0, 0, 0, 0, 2]])

            // The customer sees its own figures, whatever customerId it names.
            let own = try await lab.api.get("/v1/reports/compliance?customerId=\(other.id)&\(window)", token: customer.key)
            #expect(try own.number("instruments") == 8)
            // Staff across every customer: J joins (on time).
            let all = try await lab.api.get("/v1/reports/compliance?\(window)", token: lab.adminToken)
            #expect(try all.number("instruments") == 9)
            #expect(try all.number("reverifications") == 4)
            #expect(try all.number("onTimeRate") == 0.5)
            // A window without re-verifications has no rate.
            let quiet = try await lab.api.get(
                "/v1/reports/compliance?customerId=\(customer.id)&from=\(RegisterFixtures.day(-5))&to=\(RegisterFixtures.day(0))", token: lab.adminToken
            )
            #expect(quiet.value("onTimeRate") == .null)
            #expect(try quiet.number("reverifications") == 0)

            let invalid = try await lab.api.get("/v1/reports/compliance?from=2026-13-01&to=yesterday&customerId=1", token: lab.adminToken)
            #expect(Set(invalid.problemFields) == ["from", "to", "customerId"])
            let backwards = try await lab.api.get("/v1/reports/compliance?from=2026-02-01&to=2026-01-01", token: lab.adminToken)
            #expect(backwards.problemFields == ["from"])
            #expect(try await lab.api.get("/v1/reports/compliance?customerId=\(UUID())", token: lab.adminToken).status == .notFound)
        }
    }
}
