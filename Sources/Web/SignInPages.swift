import Accounts
import Foundation
import Hummingbird
import LIMSCore

/// An area's `login` page (sign in) and `POST logout` (sign out, ending the session in the database at once), under the
/// area's path (`/console`, `/portal`). The area admits only its own people: a correct password of someone it does not
/// admit opens no session and says so.
public struct SignInPages<Area: WebArea>: Sendable {
    let area: Area
    let sessions: WebSessionStore
    let sourceAddress: SourceAddress
    /// The catalogue key of the page's heading.
    let headingKey: String
    let admits: @Sendable (Principal) -> Bool

    public static var templates: [String] { ["login"] }

    public init(area: Area, sessions: WebSessionStore, sourceAddress: SourceAddress, headingKey: String, admits: @escaping @Sendable (Principal) -> Bool) {
        self.area = area
        self.sessions = sessions
        self.sourceAddress = sourceAddress
        self.headingKey = headingKey
        self.admits = admits
    }

    struct Model {
        var heading: String
        var action: String
        var email: String
        var next: String
        var failed: Bool
        var message: String
    }

    /// Where the area starts: its cookies' path.
    var home: String { area.cookies.path }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("login", use: show)
        group.post("login", use: signIn)
        group.post("logout", use: signOut)
    }

    /// The sign-in form; it sets a pre-session cookie whose secret backs the form's token.
    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let principal = context.principal, context.sessionSecret != nil, admits(principal) { return area.redirect(to: home) }
        return try form(request, context: context, model: model(request, email: "", next: request.uri.queryParameters["next"].map(String.init)))
    }

    func model(_ request: Request, email: String, next: String?, failure: String? = nil) -> Model {
        let language = area.language(request)
        return Model(
            heading: area.pages.messages.text(headingKey, language), action: home + "/login", email: email, next: safeNext(next),
            failed: failure != nil, message: failure.map { area.pages.messages.text($0, language) } ?? ""
        )
    }

    func form(_ request: Request, context: AppRequestContext, model: Model, status: HTTPResponse.Status = .ok) throws -> Response {
        var secret = request.cookies[area.cookies.preSession]?.value ?? ""
        if secret.count < 32 { secret = SecretToken.generate(prefix: "") }
        var response = try area.page(
            "login", titleKey: "login.title", model: model, request: request, context: context, status: status, formSecret: secret
        )
        response.setCookie(area.cookies.preSession(secret))
        return response
    }

    func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await area.form(request, context: context)
        let email = form["email"] ?? ""
        let next = safeNext(form["next"])
        do {
            let opened = try await sessions.signIn(
                email: email, password: form.all("password").first ?? "", sourceAddress: sourceAddress.resolve(request, peer: context.remoteAddress),
                requestId: context.requestId, admits: admits
            )
            var response = area.redirect(to: next)
            response.setCookie(area.cookies.session(opened.token))
            response.setCookie(Cookie(name: area.cookies.preSession, value: "", maxAge: 0, path: area.cookies.path, secure: area.cookies.secure, httpOnly: true, sameSite: .strict))
            return response
        } catch let problem as Problem where [.unauthorized, .tooManyRequests, .forbidden].contains(problem.status) {
            let key = switch problem.status {
            case .tooManyRequests: "login.locked"
            case .forbidden: "login.otherArea"
            default: "login.failed"
            }
            return try self.form(request, context: context, model: model(request, email: email, next: next, failure: key), status: problem.status)
        }
    }

    func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let secret = context.sessionSecret {
            let actor = context.principal?.actor ?? AuditActor(kind: "system", id: nil, name: nil)
            try await sessions.signOut(token: secret, audit: AuditContext(actor: actor, requestId: context.requestId))
        }
        var response = area.redirect(to: home + "/login", flash: "login.signedOut")
        response.setCookie(area.cookies.endedSession())
        return response
    }

    /// Only a path inside the area may follow sign-in (no open redirect to another site).
    func safeNext(_ next: String?) -> String {
        guard let next, next == home || next.hasPrefix(home + "/") || next.hasPrefix(home + "?"), !next.contains("\\"),
            !next.hasPrefix(home + "/login")
        else { return home }
        return next
    }
}
