import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Web

/// The customer portal (`/portal`): a manufacturer's people follow their orders, instruments, certificates and
/// invoices, submit orders, and (a `customer_admin`) manage their colleagues and API keys. Every read is confined to
/// the signed-in person's customer; anything else is the 404 page.
public struct Portal: Sendable {
    let area: PortalArea
    let services: PortalServices

    /// Every page template, checked at start-up.
    static let templates = ["portal/overview"] + SignInPages<PortalArea>.templates + PortalOrderPages.templates + PortalInstrumentPages.templates
        + PortalDocumentPages.templates + PortalSettingsPages.templates

    public init(pages: WebPages, services: PortalServices) throws {
        try pages.require(Self.templates)
        self.area = PortalArea(pages: pages)
        self.services = services
    }

    public func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("portal")
            .add(middleware: WebErrorMiddleware(area: area))
            .add(middleware: WebSessionMiddleware(sessions: services.webSessions, cookies: area.cookies))
            .add(middleware: FormGuardMiddleware(cookies: area.cookies))
        SignInPages(
            area: area, sessions: services.webSessions, sourceAddress: services.sourceAddress, headingKey: "login.portalHeading",
            admits: PortalArea.admits
        ).addRoutes(to: group)
        let people = group.group(context: PortalContext.self)
        PortalOverview(area: area, services: services).addRoutes(to: people)
        PortalOrderPages(area: area, services: services).addRoutes(to: people)
        PortalInstrumentPages(area: area, services: services).addRoutes(to: people)
        PortalDocumentPages(area: area, services: services).addRoutes(to: people)
        PortalSettingsPages(area: area, services: services).addRoutes(to: people)
        people.get("**") { _, _ -> Response in throw WebError.notFound }
        people.post("**") { _, _ -> Response in throw WebError.notFound }
    }
}
