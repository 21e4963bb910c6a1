import Foundation
@testable import Instruments
import LIMSCore
import Testing

/// The register's hand-written list JSON says exactly what `JSONEncoder` would.
@Suite("Instrument list JSON")
struct InstrumentListResponseTests {
    func parsed(_ bytes: some Sequence<UInt8>) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    @Test func theWrittenJSONEqualsTheEncodedOne() throws {
        let full = RegisteredInstrument(
            id: UUID(), customerId: UUID(), manufacturer: "Acme \"Gauges\" \\ Co.\n\t", model: "PG-100 ±0.1 % 压力表", serialNumber: "SN\u{1}\u{1F}",
            assetTag: "AT/7", description: "a\rb", location: "Boiler room 2", category: "Pressure gauge",
            mandatoryVerificationCategory: .safetyProtection, calibrationIntervalMonths: 12, lastServiceOn: "2026-01-31", lastCertificateId: UUID(),
            lastCertificateNumber: "CERT-2026-000001-R1", lastServiceCode: "PG-VER", lastResult: .pass, nextDueOn: "2027-01-30", status: .inPeriod,
            registeredAt: Date(timeIntervalSince1970: 1_764_633_600.75), history: nil
        )
        var bare = full
        bare.assetTag = nil
        bare.description = nil
        bare.location = nil
        bare.category = nil
        bare.mandatoryVerificationCategory = nil
        bare.calibrationIntervalMonths = nil
        bare.lastServiceOn = nil
        bare.lastCertificateId = nil
        bare.lastCertificateNumber = nil
        bare.lastServiceCode = nil
        bare.lastResult = nil
        bare.nextDueOn = nil
        bare.status = .noDueDate
        for page in [Page(items: [full, bare], nextCursor: "cDox"), Page(items: [], nextCursor: nil)] {
            let written = try parsed(InstrumentListResponse(page).bytes())
            let encoded = try parsed(try JSONValue.encoder.encode(page))
            #expect(written == encoded)
        }
    }
}
