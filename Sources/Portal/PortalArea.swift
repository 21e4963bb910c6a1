import Foundation
import Hummingbird
import LIMSCore
import Web

/// The customer portal as a web area: its cookies, sign-in page, and the layout's navigation (settings only for a
/// customer's administrator).
public struct PortalArea: WebArea {
    public let pages: WebPages
    public let cookies: WebCookies
    public var signInPath: String { "/portal/login" }

    public init(pages: WebPages) {
        self.pages = pages
        self.cookies = WebCookies(area: "portal", secure: pages.secureCookies)
    }

    /// The sections of the portal; `adminOnly` ones are shown to a `customer_admin` alone.
    static let sections: [(path: String, key: String, adminOnly: Bool)] = [
        ("/portal", "portal.nav.overview", false),
        ("/portal/orders", "portal.nav.orders", false),
        ("/portal/instruments", "portal.nav.instruments", false),
        ("/portal/certificates", "portal.nav.certificates", false),
        ("/portal/invoices", "portal.nav.invoices", false),
        ("/portal/account", "portal.nav.account", false),
        ("/portal/settings", "portal.nav.settings", true),
    ]

    /// Whether the portal admits a person: only a customer's people (staff use the console; an API key is no person).
    static func admits(_ principal: Principal) -> Bool {
        if case .customer(let customer) = principal, customer.user != nil { return true }
        return false
    }

    public func chrome(_ request: Request, context: AppRequestContext, titleKey: String) -> Chrome {
        let language = language(request)
        let path = request.uri.path
        var chrome = Chrome(
            language: language, title: pages.messages.text(titleKey, language), area: "portal", path: path,
            formToken: formToken(context, request: request), flash: Flash.read(request, messages: pages.messages, language: language)
        )
        if case .customer(let customer) = context.principal, let user = customer.user, context.sessionSecret != nil {
            chrome.userName = user.name
            chrome.navigation = Self.sections.filter { !$0.adminOnly || customer.isAdmin }.map { section in
                let current = section.path == "/portal" ? path == "/portal" : path.hasPrefix(section.path)
                return NavigationLink(href: section.path, label: pages.messages.text(section.key, language), current: current)
            }
        }
        return chrome
    }
}
