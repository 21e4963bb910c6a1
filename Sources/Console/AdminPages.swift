import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/console/admin`: staff, their roles and authorisations; customers and their API keys; the catalogue and its
/// prices. Admins only, as the API's administration endpoints: anyone else gets the 403 page for every page and
/// form under it.
struct AdminPages {
    let area: ConsoleArea
    let services: ConsoleServices

    /// The API's rule for administration (`requireStaff(.admin)`).
    static let roles: [Role] = [.admin]

    static let templates = [
        "console/admin/index", "console/admin/staff/index", "console/admin/staff/show", "console/admin/customers/index",
        "console/admin/customers/show", "console/admin/catalogue/index", "console/admin/catalogue/show",
    ]

    struct Section {
        var href: String
        var title: String
        var summary: String
        var about: String
    }

    struct Model {
        var sections: [Section]
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        let admin = group.group("admin").add(middleware: AdminOnly())
        admin.get(use: overview)
        AdminStaffPages(area: area, services: services).addRoutes(to: admin)
        AdminCustomerPages(area: area, services: services).addRoutes(to: admin)
        AdminCataloguePages(area: area, services: services).addRoutes(to: admin)
    }

    /// The overview: each part of the administration with how much it holds.
    func overview(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let staff = try await services.staff.counts()
        let customers = try await services.customers.count()
        let catalogue = try await services.catalogue.list()
        let model = Model(sections: [
            Section(
                href: "/console/admin/staff", title: display.text("admin.staff.heading"),
                summary: display.text("admin.overview.staffCount", String(staff.active), String(staff.total - staff.active)),
                about: display.text("admin.overview.staffLink")
            ),
            Section(
                href: "/console/admin/customers", title: display.text("admin.customers.heading"),
                summary: display.text("admin.overview.customerCount", String(customers)), about: display.text("admin.overview.customersLink")
            ),
            Section(
                href: "/console/admin/catalogue", title: display.text("admin.catalogue.heading"),
                summary: display.text("admin.overview.serviceCount", String(catalogue.count), String(catalogue.filter(\.accredited).count)),
                about: display.text("admin.overview.catalogueLink")
            ),
        ])
        return try area.page("console/admin/index", titleKey: "admin.title", model: model, request: request, context: context.root)
    }
}

/// Refuses every admin page and form to anyone without the admin role (the 403 page; nothing changes).
struct AdminOnly: RouterMiddleware {
    typealias Context = ConsoleContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try context.require(AdminPages.roles)
        return try await next(request, context)
    }
}

extension AdminPages {
    /// The paging of a list page: a cursor this server issued, or the first page for anything else.
    static func pageRequest(_ request: Request, limit: Int = 50) -> PageRequest {
        let cursor = request.uri.queryParameters["cursor"].map(String.init)
        guard let cursor, let page = try? PageRequest(query: ["cursor": cursor, "limit": String(limit)]) else { return PageRequest(limit: limit) }
        return page
    }

    /// The uuid of a path parameter; a malformed one is no page at all (404).
    static func uuid(_ context: ConsoleContext, _ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else { throw WebError.notFound }
        return id
    }
}
