import Foundation
import LIMSCore
import PostgresNIO
import Uncertainty

/// What certification reads from and asks of the modules that own orders, the catalogue, customers and staff.
/// Those modules are not dependencies of this one: the server wires each function (see `ModuleWiring`), and every
/// function runs on the caller's connection, i.e. inside the certification transaction.
public struct CertificationFacts: Sendable {
    /// An activity a staff member must be authorised for, per service, to take part in certification.
    public enum Activity: String, Sendable, CaseIterable {
        case review, sign
    }

    /// The ordered instrument of a job, as the customer described it, and the order it came with.
    public struct OrderedItem: Sendable {
        public var orderNumber: String
        public var customerReference: String
        public var manufacturer: String
        public var model: String
        public var serialNumber: String
        public var assetTag: String?
        public var description: String?

        public init(
            orderNumber: String, customerReference: String, manufacturer: String, model: String, serialNumber: String, assetTag: String?,
            description: String?
        ) {
            self.orderNumber = orderNumber
            self.customerReference = customerReference
            self.manufacturer = manufacturer
            self.model = model
            self.serialNumber = serialNumber
            self.assetTag = assetTag
            self.description = description
        }
    }

    /// The catalogue's facts about a service that a measurement and its certificate depend on.
    public struct Service: Sendable {
        public var code: String
        public var title: String
        /// The method reference (e.g. `JJG 52-2013`).
        public var method: String
        public var accredited: Bool
        public var quantity: String
        public var range: String
        /// A verification ends in a legal pass/fail judgement; a calibration in reported values.
        public var isVerification: Bool
        public var verificationPeriodMonths: Int?
        public var mpe: String?
        public var decisionRule: DecisionRule

        public init(
            code: String, title: String, method: String, accredited: Bool, quantity: String, range: String, isVerification: Bool,
            verificationPeriodMonths: Int?, mpe: String?, decisionRule: DecisionRule
        ) {
            self.code = code
            self.title = title
            self.method = method
            self.accredited = accredited
            self.quantity = quantity
            self.range = range
            self.isVerification = isVerification
            self.verificationPeriodMonths = verificationPeriodMonths
            self.mpe = mpe
            self.decisionRule = decisionRule
        }
    }

    /// A customer's name and address as a certificate states them.
    public struct Customer: Sendable {
        public var name: String
        public var address: String
        /// The contact e-mail the DCC names (the billing e-mail on record).
        public var email: String?
        /// `en`, `zh-Hans` or `bilingual`: the language its certificates are issued in.
        public var documentLanguage: String

        public init(name: String, address: String, email: String? = nil, documentLanguage: String = "en") {
            self.name = name
            self.address = address
            self.email = email
            self.documentLanguage = documentLanguage
        }
    }

    /// A certificate as issued (signed) or amended, for the customer's instrument register, which keeps each instrument's
    /// history and next due date: what the certificate concluded and the dates it states.
    public struct IssuedCertificate: Sendable, Equatable {
        public var certificateId: UUID
        public var number: String
        public var revision: Int
        /// The revision an amendment replaces.
        public var supersedes: UUID?
        public var itemId: UUID
        public var customerId: UUID
        public var serviceCode: String
        /// `calibration-certificate`, `verification-certificate` or `verification-result-notice`.
        public var documentKind: String
        /// The date of the work (`YYYY-MM-DD`).
        public var calibratedOn: String
        public var issuedOn: String
        /// A verification certificate's valid-until date.
        public var validUntil: String?

        init(_ certificate: Certificate) {
            self.certificateId = certificate.id
            self.number = certificate.number
            self.revision = certificate.revision
            self.supersedes = certificate.supersedes
            self.itemId = certificate.itemId
            self.customerId = certificate.customerId
            self.serviceCode = certificate.document.method.serviceCode
            self.documentKind = certificate.documentKind
            self.calibratedOn = certificate.document.calibratedOn
            self.issuedOn = certificate.document.issuedOn
            self.validUntil = certificate.document.validUntil
        }
    }

    /// The ordered item `itemId` of order `orderId`; `nil` when either is unknown.
    public var orderedItem: @Sendable (_ orderId: UUID, _ itemId: UUID, PostgresConnection) async throws -> OrderedItem?
    /// The catalogue entry of a service code; `nil` when unknown.
    public var service: @Sendable (String, PostgresConnection) async throws -> Service?
    /// A customer by id; `nil` when unknown.
    public var customer: @Sendable (UUID, PostgresConnection) async throws -> Customer?
    /// A staff member's name by id; `nil` when unknown.
    public var staffName: @Sendable (UUID, PostgresConnection) async throws -> String?
    /// Whether a staff member holds an unexpired authorisation for the activity on the service today.
    public var isAuthorized: @Sendable (_ userId: UUID, _ serviceCode: String, Activity, PostgresConnection) async throws -> Bool
    /// The first measurement of an item was recorded: a received item goes into test (no-op otherwise).
    public var testStarted: @Sendable (_ itemId: UUID, PostgresConnection, AuditContext) async throws -> Void
    /// The item's certificate was issued: the item becomes certified (409 from a state that does not allow it).
    public var itemCertified: @Sendable (_ itemId: UUID, PostgresConnection, AuditContext) async throws -> Void
    /// An item of the order was finished: the order completes (and is invoiced) when all its items are.
    public var itemFinished: @Sendable (_ orderId: UUID, PostgresConnection, AuditContext) async throws -> Void
    /// A certificate was signed or amended, in that transaction: the instrument register records it.
    public var certificateIssued: @Sendable (IssuedCertificate, PostgresConnection, AuditContext) async throws -> Void
    /// A certificate was withdrawn, in that transaction: the instrument register forgets it as a service record.
    public var certificateWithdrawn: @Sendable (_ certificateId: UUID, PostgresConnection, AuditContext) async throws -> Void = { _, _, _ in }

    public init(
        orderedItem: @escaping @Sendable (UUID, UUID, PostgresConnection) async throws -> OrderedItem?,
        service: @escaping @Sendable (String, PostgresConnection) async throws -> Service?,
        customer: @escaping @Sendable (UUID, PostgresConnection) async throws -> Customer?,
        staffName: @escaping @Sendable (UUID, PostgresConnection) async throws -> String?,
        isAuthorized: @escaping @Sendable (UUID, String, Activity, PostgresConnection) async throws -> Bool,
        testStarted: @escaping @Sendable (UUID, PostgresConnection, AuditContext) async throws -> Void,
        itemCertified: @escaping @Sendable (UUID, PostgresConnection, AuditContext) async throws -> Void,
        itemFinished: @escaping @Sendable (UUID, PostgresConnection, AuditContext) async throws -> Void,
        certificateIssued: @escaping @Sendable (IssuedCertificate, PostgresConnection, AuditContext) async throws -> Void = { _, _, _ in }
    ) {
        self.orderedItem = orderedItem
        self.service = service
        self.customer = customer
        self.staffName = staffName
        self.isAuthorized = isAuthorized
        self.testStarted = testStarted
        self.itemCertified = itemCertified
        self.itemFinished = itemFinished
        self.certificateIssued = certificateIssued
    }
}
