import Accounts
import Foundation
import Hummingbird
import LIMSCore

/// One area of web pages (the staff console, later the customer portal): its templates, cookies and sign-in page,
/// and how its layout is dressed for a request.
public protocol WebArea: Sendable {
    var pages: WebPages { get }
    var cookies: WebCookies { get }
    /// The path of the area's sign-in page.
    var signInPath: String { get }
    /// The layout around a page titled by catalogue key `titleKey`.
    func chrome(_ request: Request, context: AppRequestContext, titleKey: String) -> Chrome
}

extension WebArea {
    /// The language of a request: `?lang=`, then the language cookie, then `Accept-Language`.
    public func language(_ request: Request) -> Language {
        Language.negotiate(
            query: request.uri.queryParameters["lang"].map(String.init), cookie: request.cookies[WebCookies.languageName]?.value,
            acceptLanguage: request.headers[.acceptLanguage]
        )
    }

    /// Display helpers (times, money, statuses, catalogue text) in the language of `request`.
    public func display(_ request: Request) -> Display {
        Display(messages: pages.messages, language: language(request))
    }

    /// A 303 to `location`, optionally carrying a flash message (catalogue key and arguments) to the next page.
    public func redirect(to location: String, flash key: String? = nil, _ arguments: String..., error: Bool = false) -> Response {
        var response = Response.redirect(to: location, type: .normal)
        response.status = .seeOther
        if let key {
            response.setCookie(Flash.cookie(key: key, arguments: arguments, isError: error, path: cookies.path, secure: cookies.secure))
        }
        return response
    }

    /// Renders a page of the area, clearing the flash message it shows.
    public func page(
        _ template: String, titleKey: String, model: Any, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok,
        formSecret: String? = nil
    ) throws -> Response {
        var chrome = chrome(request, context: context, titleKey: titleKey)
        if let formSecret { chrome.formToken = Accounts.WebSessionStore.formToken(forSecret: formSecret) }
        var response = try pages.render(template, model: model, chrome: chrome, status: status)
        if chrome.flash != nil { response.setCookie(Flash.clearing(path: cookies.path, secure: cookies.secure)) }
        return response
    }

    /// The form of a POST (already read and checked for its token by ``FormGuardMiddleware``).
    public func form(_ request: Request, context: AppRequestContext) async throws -> FormData {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return FormData(urlEncoded: String(buffer: body))
    }

    /// The form token pages of this request carry.
    public func formToken(_ context: AppRequestContext, request: Request) -> String {
        guard let secret = context.sessionSecret ?? request.cookies[cookies.preSession]?.value else { return "" }
        return Accounts.WebSessionStore.formToken(forSecret: secret)
    }
}

/// The view model of an error page.
public struct ErrorPage: Sendable {
    public var heading: String
    public var message: String
    public var details: [String]
    public var back: String

    public init(heading: String, message: String, details: [String] = [], back: String) {
        self.heading = heading
        self.message = message
        self.details = details
        self.back = back
    }
}
