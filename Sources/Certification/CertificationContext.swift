import Foundation
import LIMSCore
import PostgresNIO
import Reports
import Scheduling

/// Facts about a received item that the sample-tracking module owns (lab number, receipt), read through
/// a function the server wires in, since that module is not a dependency of this one. A fact that was never
/// recorded is `nil`, never a stand-in: signing refuses to issue a certificate without it.
public struct ReceiptFacts: Sendable {
    public var labNumber: String?
    /// The receipt date, `YYYY-MM-DD`.
    public var receivedOn: String?
    public var condition: String?

    public init(labNumber: String?, receivedOn: String?, condition: String?) {
        self.labNumber = labNumber
        self.receivedOn = receivedOn
        self.condition = condition
    }
}

/// Everything the certification workflow needs from the rest of the system.
public struct CertificationDependencies: Sendable {
    public var database: Database
    public var jobs: JobQueue
    public var equipment: EquipmentStore
    /// Orders, the catalogue, customers and staff, through functions the server wires in.
    public var facts: CertificationFacts
    public var receipt: @Sendable (UUID, PostgresConnection) async throws -> ReceiptFacts?
    public var renderer: ReportRenderer
    /// The lab's signing key, loaded once at start-up; nil when none was created (signing then answers 503).
    public var signingKey: SigningKey?
    public var laboratory: (name: String, address: String, accreditation: String)
    public var publicBaseURL: String
    /// The lab's country (ISO 3166-1 alpha-2), which the DCC states.
    public var laboratoryCountry: String

    public init(
        database: Database, jobs: JobQueue, equipment: EquipmentStore, facts: CertificationFacts,
        receipt: @escaping @Sendable (UUID, PostgresConnection) async throws -> ReceiptFacts?,
        renderer: ReportRenderer, signingKey: SigningKey?, laboratory: (name: String, address: String, accreditation: String), publicBaseURL: String,
        laboratoryCountry: String = "CN"
    ) {
        self.laboratoryCountry = laboratoryCountry
        self.database = database
        self.jobs = jobs
        self.equipment = equipment
        self.facts = facts
        self.receipt = receipt
        self.renderer = renderer
        self.signingKey = signingKey
        self.laboratory = laboratory
        self.publicBaseURL = publicBaseURL
    }

    /// The templates this module renders with; start-up fails when one is missing.
    public static let templates = ["certificate.html", "certificate.txt"]
}
