import Foundation
import Reports

/// What a certificate states, and nothing else: frozen at signing as canonical JSON (sorted keys, strings for
/// every measured or reported value), digested with SHA-256 and signed. Content per ISO/IEC 17025 §7.8.2 and §7.8.4.
public struct CertificateDocument: Codable, Sendable, Equatable {
    public struct Party: Codable, Sendable, Equatable {
        public var name: String
        public var address: String
        /// Schema 2: the contact e-mail on record (the customer's billing e-mail), and the ISO 3166-1 country (the lab's).
        public var email: String?
        public var countryCode: String?
    }

    /// Schema 2: SHA-256 (hex) of each rendered document, signed with the content so a download checks offline.
    public struct DocumentDigests: Codable, Sendable, Equatable {
        public var html: String
        public var text: String
        public var dcc: String
    }

    public struct InstrumentDescription: Codable, Sendable, Equatable {
        public var manufacturer: String
        public var model: String
        public var serialNumber: String
        public var assetTag: String?
        public var description: String?
        public var labNumber: String
        public var conditionOnReceipt: String
    }

    public struct Method: Codable, Sendable, Equatable {
        public var serviceCode: String
        public var title: String
        public var reference: String
        public var accredited: Bool
        public var quantity: String
        public var range: String
    }

    public struct Result: Codable, Sendable, Equatable {
        public var point: Int
        public var quantity: String
        public var unit: String
        public var nominal: String
        public var reference: String
        public var meanIndication: String
        public var error: String
        public var expandedUncertainty: String
        public var coverageFactor: String
        public var coverageProbability: String
        public var mpe: String?
        public var decision: String?
    }

    public struct ReferenceStandard: Codable, Sendable, Equatable {
        public var assetTag: String
        public var name: String
        public var manufacturer: String
        public var model: String
        public var serialNumber: String
        public var calibrationCertificate: String
        public var calibratedBy: String
        public var dueOn: String
        public var traceability: String
    }

    public struct Person: Codable, Sendable, Equatable {
        public var name: String
        public var role: String
    }

    public var schema: String
    public var number: String
    public var revision: Int
    /// The number this revision replaces, and why (ISO/IEC 17025 §7.8.8).
    public var supersedes: String?
    public var amendmentReason: String?
    /// `calibration-certificate`, `verification-certificate` or `verification-result-notice`.
    public var documentKind: String
    public var title: String
    public var laboratory: Party
    public var accreditation: String
    public var customer: Party
    public var orderNumber: String
    public var customerReference: String
    public var instrument: InstrumentDescription
    public var method: Method
    public var receivedOn: String
    public var calibratedOn: String
    public var issuedOn: String
    /// For a verification certificate: the end of the regulation's verification period.
    public var validUntil: String?
    public var environment: [String: String]
    public var results: [Result]
    /// For a verification result notice: the points that failed.
    public var failingPoints: [Int]
    /// Stated wherever conformity is stated.
    public var decisionRule: String?
    public var referenceEquipment: [ReferenceStandard]
    public var performedBy: Person
    public var reviewedBy: Person
    public var signedBy: Person
    public var statements: [String]
    public var verifyURL: String
    /// Schema 2 (`calibra.certificate/2`) and later; absent from certificates signed before, whose canonical
    /// content stays exactly as it was signed.
    /// The customer's `documentLanguage` at signing: `en`, `zh-Hans` or `bilingual`.
    public var language: String?
    /// The statements in Simplified Chinese, for `zh-Hans` and `bilingual` documents (`statements` stays English).
    public var statementsZh: [String]?
    /// SHA-256 (hex) of this content's canonical JSON without `contentDigest` and `documents`: the digest printed on
    /// the HTML and text forms (a printed page cannot carry its own digest), which `verify` also accepts.
    public var contentDigest: String?
    public var documents: DocumentDigests?

    /// The language the document is rendered in (English for certificates signed before languages existed).
    public var documentLanguage: DocumentLanguage { language.flatMap(DocumentLanguage.init(rawValue:)) ?? .en }

    /// The exact bytes that are digested and signed.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
