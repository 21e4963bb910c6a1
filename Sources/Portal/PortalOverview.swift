import Billing
import Certification
import Foundation
import Hummingbird
import Instruments
import LIMSCore
import Orders
import Web

/// `/portal`: what a customer's person looks at first: open orders, instruments due soon or overdue, recent
/// certificates and open invoices, each linking to its page.
struct PortalOverview {
    let area: PortalArea
    let services: PortalServices

    struct OrderRow {
        var href: String
        var number: String
        var reference: String
        var status: String
        var submitted: String
        var progress: String
    }

    struct InstrumentRow {
        var href: String
        var instrument: String
        var nextDue: String
        var status: String
        var overdue: Bool
    }

    struct CertificateRow {
        var href: String
        var number: String
        var instrument: String
        var issued: String
    }

    struct InvoiceRow {
        var href: String
        var number: String
        var dueOn: String
        var balance: String
        var status: String
    }

    struct Model {
        var greeting: String
        var customer: String
        var orders: [OrderRow]
        var instruments: [InstrumentRow]
        var certificates: [CertificateRow]
        var invoices: [InvoiceRow]
    }

    func addRoutes(to group: RouterGroup<PortalContext>) {
        group.get(use: show)
    }

    func show(_ request: Request, context: PortalContext) async throws -> Response {
        let display = area.display(request)
        let scope = context.customerId
        var orders: [OrderRow] = []
        for status in [OrderStatus.submitted, .accepted, .inProgress] {
            for order in try await services.orders.list(scope: scope, status: status, customerId: nil, page: PageRequest(limit: 20)).items {
                orders.append(PortalOrderPages.row(order, display: display))
            }
        }
        var instruments: [InstrumentRow] = []
        for status in [InstrumentStatus.overdue, .dueSoon, .failed] {
            let page = try await services.instruments.list(InstrumentFilter(customerId: scope, status: status), page: PageRequest(limit: 20))
            instruments += page.items.map {
                InstrumentRow(
                    href: "/portal/instruments/\($0.id.uuidString.lowercased())", instrument: PortalInstrumentPages.name($0), nextDue: $0.nextDueOn ?? "—",
                    status: display.text("instrumentsPage.status.\($0.status.rawValue)"), overdue: $0.status != .dueSoon
                )
            }
        }
        let certificates = try await services.certificates.search(number: nil, customerName: nil, serialNumber: nil, scope: scope, page: PageRequest(limit: 10)).items.map {
            CertificateRow(
                href: "/portal/certificates/\($0.id.uuidString.lowercased())", number: $0.number,
                instrument: PortalDocumentPages.instrumentText($0.document.instrument), issued: display.time($0.issuedAt)
            )
        }
        var invoices: [InvoiceRow] = []
        for status in [InvoiceStatus.issued, .partiallyPaid] {
            invoices += try await services.billing.list(scope: scope, status: status, customerId: nil, page: PageRequest(limit: 20)).items.map {
                PortalDocumentPages.invoiceRow($0, display: display)
            }
        }
        let customer = try await services.customers.find(id: scope)?.name ?? ""
        let model = Model(
            greeting: display.text("portal.overview.greeting", context.user.name), customer: customer, orders: orders, instruments: instruments,
            certificates: certificates, invoices: invoices
        )
        return try area.page("portal/overview", titleKey: "portal.overview.title", model: model, request: request, context: context.root)
    }
}
