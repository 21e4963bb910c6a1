import Accounts
import Foundation
import Hummingbird
import LIMSCore
import Web

/// `/console/login` (sign in) and `POST /console/logout` (sign out, ending the session in the database at once).
struct SignInPages {
    let area: ConsoleArea
    let sessions: WebSessionStore
    let sourceAddress: SourceAddress

    struct Model {
        var email: String
        var next: String
        var failed: Bool
        var message: String
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("login", use: show)
        group.post("login", use: signIn)
        group.post("logout", use: signOut)
    }

    /// The sign-in form; it sets a pre-session cookie whose secret backs the form's token.
    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.sessionSecret != nil { return area.redirect(to: "/console") }
        return try form(request, context: context, model: Model(email: "", next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), failed: false, message: ""))
    }

    func form(_ request: Request, context: AppRequestContext, model: Model, status: HTTPResponse.Status = .ok) throws -> Response {
        var secret = request.cookies[area.cookies.preSession]?.value ?? ""
        if secret.count < 32 { secret = SecretToken.generate(prefix: "") }
        var response = try area.page(
            "console/login", titleKey: "login.title", model: model, request: request, context: context, status: status, formSecret: secret
        )
        response.setCookie(area.cookies.preSession(secret))
        return response
    }

    func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await area.form(request, context: context)
        let language = area.language(request)
        let email = form["email"] ?? ""
        let next = Self.safeNext(form["next"])
        do {
            let opened = try await sessions.signIn(
                email: email, password: form.all("password").first ?? "", sourceAddress: sourceAddress.resolve(request, peer: context.remoteAddress), requestId: context.requestId
            )
            var response = area.redirect(to: next)
            response.setCookie(area.cookies.session(opened.token))
            response.setCookie(Cookie(name: area.cookies.preSession, value: "", maxAge: 0, path: area.cookies.path, secure: area.cookies.secure, httpOnly: true, sameSite: .strict))
            return response
        } catch let problem as Problem where problem.status == .unauthorized || problem.status == .tooManyRequests {
            let key = problem.status == .tooManyRequests ? "login.locked" : "login.failed"
            let model = Model(email: email, next: next, failed: true, message: area.pages.messages.text(key, language))
            return try self.form(request, context: context, model: model, status: problem.status)
        }
    }

    func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let secret = context.sessionSecret {
            let actor = context.principal?.actor ?? AuditActor(kind: "system", id: nil, name: nil)
            try await sessions.signOut(token: secret, audit: AuditContext(actor: actor, requestId: context.requestId))
        }
        var response = area.redirect(to: "/console/login", flash: "login.signedOut")
        response.setCookie(area.cookies.endedSession())
        return response
    }

    /// Only a path inside the console may follow sign-in (no open redirect to another site).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/console"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/console/login") else {
            return "/console"
        }
        return next
    }
}
