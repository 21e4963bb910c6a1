import Accounts
import Foundation
import Hummingbird
import LIMSCore

/// Resolves the area's session cookie to the signed-in person (a bearer token never opens a page), remembers a
/// `?lang=` choice in a cookie, and keeps the pre-session cookie that protects the sign-in form.
public struct WebSessionMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let sessions: WebSessionStore
    let cookies: WebCookies

    public init(sessions: WebSessionStore, cookies: WebCookies) {
        self.sessions = sessions
        self.cookies = cookies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.principal = nil
        context.sessionSecret = nil
        if let secret = request.cookies[cookies.session]?.value, let person = try await sessions.principal(forToken: secret) {
            context.principal = person
            context.sessionSecret = secret
        }
        var response = try await next(request, context)
        if let tag = request.uri.queryParameters["lang"].map(String.init), let language = Language(tag: tag) {
            response.setCookie(cookies.language(language))
        }
        return response
    }
}

/// The names and attributes of an area's cookies (`/console` now, `/portal` later).
public struct WebCookies: Sendable {
    /// The session cookie's name.
    public let session: String
    /// The cookie whose secret protects the sign-in form before there is a session.
    public let preSession: String
    public let path: String
    public let secure: Bool

    public init(area: String, secure: Bool) {
        self.session = "calibra_\(area)"
        self.preSession = "calibra_\(area)_pre"
        self.path = "/\(area)"
        self.secure = secure
    }

    public static let languageName = "calibra_lang"

    public func session(_ secret: String) -> Cookie {
        Cookie(name: session, value: secret, path: path, secure: secure, httpOnly: true, sameSite: .lax)
    }

    public func endedSession() -> Cookie {
        Cookie(name: session, value: "", maxAge: 0, path: path, secure: secure, httpOnly: true, sameSite: .lax)
    }

    public func preSession(_ secret: String) -> Cookie {
        Cookie(name: preSession, value: secret, maxAge: 3600, path: path, secure: secure, httpOnly: true, sameSite: .strict)
    }

    public func language(_ language: Language) -> Cookie {
        Cookie(name: Self.languageName, value: language.rawValue, maxAge: 365 * 86_400, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
