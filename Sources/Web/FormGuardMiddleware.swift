import Accounts
import Foundation
import Hummingbird
import LIMSCore

/// Refuses (403, before any handler runs) every state-changing request whose form does not carry the form token of
/// the person's session, or, on the sign-in form, of the pre-session cookie. The body is read once here (at most
/// 1 MiB) and handed on, so handlers read the same bytes.
public struct FormGuardMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let cookies: WebCookies
    public static let fieldName = "_csrf"

    public init(cookies: WebCookies) {
        self.cookies = cookies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let form = FormData(urlEncoded: String(buffer: body))
        guard let secret = context.sessionSecret ?? request.cookies[cookies.preSession]?.value,
            let token = form.all(Self.fieldName).first,
            WebSessionStore.formTokenMatches(token, secret: secret)
        else { throw WebError.missingFormToken }
        return try await next(request, context)
    }
}
