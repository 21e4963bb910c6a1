import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Web

/// The staff console as a web area: its cookies, its sign-in page and its navigation, which shows each person the
/// sections their roles open.
public struct ConsoleArea: WebArea {
    public let pages: WebPages
    public let cookies: WebCookies
    public var signInPath: String { "/console/login" }

    public init(pages: WebPages) {
        self.pages = pages
        self.cookies = WebCookies(area: "console", secure: pages.secureCookies)
    }

    /// The sections of the console and the roles that see each (`[]`: every member of staff).
    static let sections: [(path: String, key: String, roles: [Role])] = [
        ("/console", "nav.home", []),
        ("/console/orders", "nav.orders", []),
        ("/console/receipt", "nav.receipt", ConsoleRules.receive),
        ("/console/jobs", "nav.jobs", []),
        ("/console/certificates", "nav.certificates", []),
        ("/console/instruments", "nav.instruments", []),
        ("/console/equipment", "nav.equipment", []),
        ("/console/nonconformities", "nav.nonconformities", []),
        ("/console/invoices", "nav.invoices", ConsoleRules.billing),
        ("/console/reports", "reportsPage.nav", []),
        ("/console/admin", "nav.admin", [.admin]),
    ]

    public func chrome(_ request: Request, context: AppRequestContext, titleKey: String) -> Chrome {
        let language = language(request)
        let path = request.uri.path
        var chrome = Chrome(
            language: language, title: pages.messages.text(titleKey, language), area: "console", path: path,
            formToken: formToken(context, request: request), flash: Flash.read(request, messages: pages.messages, language: language)
        )
        if case .staff(let staff) = context.principal, context.sessionSecret != nil {
            chrome.userName = staff.name
            chrome.navigation = Self.sections.filter { $0.roles.isEmpty || !staff.roles.isDisjoint(with: $0.roles) }.map { section in
                let current = section.path == "/console" ? path == "/console" : path.hasPrefix(section.path)
                return NavigationLink(href: section.path, label: pages.messages.text(section.key, language), current: current)
            }
        }
        return chrome
    }
}
