import Accounts
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import LIMSTestSupport

/// Builds register contents directly through the Instruments module's API, for tests that need instruments with chosen
/// due dates (a certificate signed through the API is always issued today).
struct RegisterFixtures {
    let lab: TestLab

    var store: InstrumentStore { InstrumentStore(database: lab.database, customers: CustomerStore(database: lab.database)) }

    static func day(_ offset: Int) -> String { LabFlow.today(offsetDays: offset) }

    /// Registers an instrument of `customerId` and returns its id.
    func instrument(
        _ customerId: UUID, serial: String, manufacturer: String = "Acme", model: String = "PG-100",
        mandatory: MandatoryVerificationCategory? = nil
    ) async throws -> UUID {
        let store = self.store
        let ids = try await lab.database.transaction { connection in
            try await store.register(
                [.init(manufacturer: manufacturer, model: model, serialNumber: serial, category: "Pressure gauge", mandatoryVerificationCategory: mandatory)],
                customerId: customerId, on: connection, audit: .system
            )
        }
        return ids[0]
    }

    /// Records a certificate for the instrument: `kind` is `pass`, `fail` or `calibrated`.
    @discardableResult
    func certificate(
        _ instrumentId: UUID, _ result: ServiceResult, serviceOn: Int, issuedOn: Int? = nil, validUntil: Int? = nil, serviceCode: String = "SVC",
        mandatory: MandatoryVerificationCategory? = nil, imported: Bool = false
    ) async throws -> UUID {
        let id = UUID()
        let kind = switch result {
        case .pass: "verification-certificate"
        case .fail: "verification-result-notice"
        case .calibrated: "calibration-certificate"
        }
        let record = CertificateRecord(
            certificateId: imported ? nil : id, number: "CERT-T-\(id.uuidString.prefix(6))", serviceCode: serviceCode, documentKind: kind,
            serviceOn: Self.day(serviceOn), issuedOn: Self.day(issuedOn ?? serviceOn), validUntil: validUntil.map(Self.day),
            category: "Pressure gauge", mandatoryVerificationCategory: mandatory
        )
        let store = self.store
        try await lab.database.transaction { connection in
            try await store.recordCertificate(record, instrumentId: instrumentId, on: connection, audit: .system)
        }
        return id
    }

    /// Sets a customer's reminder lead through the API.
    func reminderLead(_ customerId: UUID, days: Int) async throws {
        try await lab.api.request(
            .patch, "/v1/customers/\(customerId)", token: lab.adminToken, body: TestAPI.encode(.object(["reminderLeadDays": .number(Double(days))]))
        ).expect(.ok)
    }
}

extension TestLab {
    /// `PATCH` with a JSON body.
    func patch(_ path: String, token: String, json: [String: JSONValue]) async throws -> APIResponse {
        try await api.request(.patch, path, token: token, body: TestAPI.encode(.object(json)))
    }

    /// Submits an order of one item per instrument (manufacturer, model, serial) for `serviceCode`.
    func order(_ key: String, serviceCode: String, instruments: [(String, String, String)], headers: HTTPFields = [:]) async throws -> APIResponse {
        try await api.post(
            "/v1/orders", token: key,
            json: [
                "customerReference": .string("PO-REG"), "priority": .string("standard"),
                "items": .array(instruments.map { make, model, serial in
                    .object(["serviceCode": .string(serviceCode), "instrument": .object([
                        "manufacturer": .string(make), "model": .string(model), "serialNumber": .string(serial),
                    ])])
                }),
            ],
            headers: headers
        )
    }
}

extension JSONValue {
    var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}
