import Accounts
import Billing
import Certification
import Foundation
import Instruments
import LIMSCore
import Orders
import PostgresNIO
import Samples
import Uncertainty

/// The narrow functions through which a module reads facts another module owns, against the module arrows
/// (billing and samples read customers, certification reads orders, the catalogue, customers and staff).
/// `Modules` wires the application with these; tests that build a store by hand use the same functions.
public enum ModuleWiring {
    /// Billing's view of a customer: who is invoiced and on what payment terms.
    public static func billingCustomers(_ customers: CustomerStore) -> BillingStore.CustomerLookup {
        { id, connection in
            guard let customer = try await customers.find(id: id, on: connection) else { return nil }
            return BillingCustomer(
                id: customer.id, code: customer.code, name: customer.name, address: customer.address, taxId: customer.taxId,
                paymentTermsDays: customer.paymentTermsDays, documentLanguage: customer.documentLanguage
            )
        }
    }

    /// Sample tracking's view of a customer: its name, printed on labels.
    public static func sampleCustomerName(_ customers: CustomerStore) -> SampleStore.CustomerName {
        { id, connection in try await customers.find(id: id, on: connection)?.name }
    }

    /// Sample tracking's view of a customer's document language, for labels.
    public static func sampleCustomerLanguage(_ customers: CustomerStore) -> SampleStore.CustomerLanguage {
        { id, connection in try await customers.find(id: id, on: connection)?.documentLanguage }
    }

    /// Certification's view of a received item: what sample tracking recorded at receipt, with nothing filled in.
    public static func receipt(_ samples: SampleStore) -> @Sendable (UUID, PostgresConnection) async throws -> ReceiptFacts? {
        { itemId, connection in
            guard let item = try await samples.item(id: itemId, on: connection) else { return nil }
            return ReceiptFacts(labNumber: item.number, receivedOn: item.receivedAt.map(DateFormats.formatDay), condition: item.condition?.rawValue)
        }
    }

    /// Certification's view of orders, the catalogue, customers and staff, and the item and order changes it causes.
    public static func certificationFacts(
        orders: OrderStore, catalogue: CatalogueStore, customers: CustomerStore, staff: StaffStore, authorizations: AuthorizationStore
    ) -> CertificationFacts {
        CertificationFacts(
            orderedItem: { orderId, itemId, connection in
                guard let order = try await orders.order(id: orderId, on: connection), let item = order.items.first(where: { $0.id == itemId }) else {
                    return nil
                }
                return .init(
                    orderNumber: order.number, customerReference: order.customerReference, manufacturer: item.instrument.manufacturer,
                    model: item.instrument.model, serialNumber: item.instrument.serialNumber, assetTag: item.instrument.assetTag,
                    description: item.instrument.description
                )
            },
            service: { code, connection in
                guard let service = try await catalogue.service(code: code, on: connection) else { return nil }
                return .init(
                    code: service.code, title: service.title, method: service.method, accredited: service.accredited, quantity: service.quantity,
                    range: service.range, isVerification: service.kind == .verification, verificationPeriodMonths: service.verificationPeriodMonths,
                    mpe: service.mpe,
                    decisionRule: try StoredValue.decode(DecisionRule.self, service.decisionRule.rawValue, table: "services", column: "decision_rule")
                )
            },
            customer: { id, connection in
                try await customers.find(id: id, on: connection).map {
                    .init(name: $0.name, address: $0.address, email: $0.billingEmail, documentLanguage: $0.documentLanguage)
                }
            },
            staffName: { id, connection in try await staff.find(id: id, on: connection)?.name },
            isAuthorized: { userId, serviceCode, activity, connection in
                let needed: Activity = switch activity {
                case .review: .review
                case .sign: .sign
                }
                return try await authorizations.isAuthorized(userId: userId, serviceCode: serviceCode, activity: needed, on: connection)
            },
            testStarted: { itemId, connection, audit in
                guard let item = try await orders.item(id: itemId, on: connection), item.status == .received else { return }
                try await orders.transitionItem(id: itemId, from: [.received], to: .inTest, action: "test_started", on: connection, audit: audit)
            },
            itemCertified: { itemId, connection, audit in
                try await orders.transitionItem(
                    id: itemId, from: [.inTest, .received], to: .certified, action: "certified", on: connection, audit: audit
                )
            },
            itemFinished: { orderId, connection, audit in
                try await orders.completeIfFinished(orderId: orderId, on: connection, audit: audit)
            },
            certificateIssued: { certificate, connection, audit in
                try await registerCertificate(certificate, orders: orders, catalogue: catalogue, on: connection, audit: audit)
            }
        )
    }

    /// The instrument register's record of a signed or amended certificate: the item's instrument (linked at order
    /// submission) gets the certificate in its history, with the service's instrument category and mandatory-verification use.
    static func registerCertificate(
        _ certificate: CertificationFacts.IssuedCertificate, orders: OrderStore, catalogue: CatalogueStore, on connection: PostgresConnection,
        audit: AuditContext
    ) async throws {
        guard let item = try await orders.item(id: certificate.itemId, on: connection), let instrumentId = item.instrumentId else { return }
        let service = try await catalogue.service(code: certificate.serviceCode, on: connection)
        try await orders.instruments.recordCertificate(
            CertificateRecord(
                certificateId: certificate.certificateId, number: certificate.number, revision: certificate.revision,
                supersedes: certificate.supersedes, serviceCode: certificate.serviceCode, documentKind: certificate.documentKind,
                serviceOn: certificate.calibratedOn, issuedOn: certificate.issuedOn, validUntil: certificate.validUntil,
                category: service?.instrumentCategory, mandatoryVerificationCategory: service?.mandatoryVerificationCategory
            ),
            instrumentId: instrumentId, on: connection, audit: audit
        )
    }
}
