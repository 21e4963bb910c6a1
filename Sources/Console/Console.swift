import Foundation
import Hummingbird
import LIMSCore
import Web

/// The staff console at `/console`: server-rendered pages over the module APIs, in English and Simplified Chinese.
///
/// Every console route passes, in order: the error pages, the session cookie, the form-token check on every POST;
/// then every page but sign-in runs in a ``ConsoleContext`` (signed-in staff only).
public struct Console: Sendable {
    let area: ConsoleArea
    let services: ConsoleServices
    /// Every page template, checked at start-up.
    static let templates = [
        "login", "console/home",
    ] + JobPages.templates + CertificatePages.templates + OrderPages.templates + ReceiptPages.templates + ItemPages.templates + AdminPages.templates + EquipmentPages.templates + InvoicePages.templates + InstrumentPages.templates
        + NonconformityPages.templates + ReportPages.templates

    public init(pages: WebPages, services: ConsoleServices) throws {
        try pages.require(Self.templates)
        self.area = ConsoleArea(pages: pages)
        self.services = services
    }

    public func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("console")
            .add(middleware: WebErrorMiddleware(area: area))
            .add(middleware: WebSessionMiddleware(sessions: services.webSessions, cookies: area.cookies))
            .add(middleware: FormGuardMiddleware(cookies: area.cookies))
        SignInPages(
            area: area, sessions: services.webSessions, sourceAddress: services.sourceAddress, headingKey: "login.heading",
            admits: { if case .staff = $0 { true } else { false } }
        ).addRoutes(to: group)
        let staff = group.group(context: ConsoleContext.self)
        HomePage(area: area, services: services).addRoutes(to: staff)
        JobPages(area: area, services: services).addRoutes(to: staff)
        CertificatePages(area: area, services: services).addRoutes(to: staff)
        OrderPages(area: area, services: services).addRoutes(to: staff)
        ReceiptPages(area: area, services: services).addRoutes(to: staff)
        ItemPages(area: area, services: services).addRoutes(to: staff)
        AdminPages(area: area, services: services).addRoutes(to: staff)
        EquipmentPages(area: area, services: services).addRoutes(to: staff)
        InvoicePages(area: area, services: services).addRoutes(to: staff)
        InstrumentPages(area: area, services: services).addRoutes(to: staff)
        NonconformityPages(area: area, services: services).addRoutes(to: staff)
        ReportPages(area: area, services: services).addRoutes(to: staff)
        staff.get("**") { _, _ -> Response in throw WebError.notFound }
        staff.post("**") { _, _ -> Response in throw WebError.notFound }
    }
}

extension Console {
    /// `GET /static/{name}`: the pages' stylesheet and script.
    public func addAssetRoutes(to router: Router<AppRequestContext>) {
        area.pages.assets.addRoutes(to: router)
    }
}
