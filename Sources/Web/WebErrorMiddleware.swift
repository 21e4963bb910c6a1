import Foundation
import Hummingbird
import LIMSCore
import Logging
import PostgresNIO

/// Turns what a page throws into what a person should see, in their language: sign-in for a missing session, a 403
/// page for a missing form token or a forbidden action, a 404 page for anything not found or not theirs, the
/// problem's own words for a refused change, and an opaque 500 page (logged in full) for the rest. No JSON here.
public struct WebErrorMiddleware<Area: WebArea>: RouterMiddleware {
    public typealias Context = AppRequestContext
    let area: Area

    public init(area: Area) {
        self.area = area
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try respond(to: error, request: request, context: context)
        }
    }

    func respond(to error: any Error, request: Request, context: Context) throws -> Response {
        var error = error
        if let transaction = error as? PostgresTransactionError { error = transaction.underlying }
        let language = area.language(request)
        let messages = area.pages.messages
        func page(_ status: HTTPResponse.Status, _ key: String, _ message: String, details: [String] = []) throws -> Response {
            let model = ErrorPage(heading: messages.text("error.\(key).heading", language), message: message, details: details, back: area.cookies.path)
            var response = try area.page("error", titleKey: "error.\(key).heading", model: model, request: request, context: context, status: status)
            response.headers[.requestId] = context.requestId
            return response
        }
        switch error {
        case WebError.signInRequired:
            let next = request.method == .get ? "?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : ""
            return area.redirect(to: area.signInPath + next)
        case WebError.missingFormToken:
            return try page(.forbidden, "forbidden", messages.text("error.formToken", language))
        case WebError.forbidden:
            return try page(.forbidden, "forbidden", messages.text("error.forbidden.message", language))
        case WebError.notFound:
            return try page(.notFound, "notFound", messages.text("error.notFound.message", language))
        case let problem as Problem where problem.status == .notFound:
            return try page(.notFound, "notFound", messages.text("error.notFound.message", language))
        case let problem as Problem where problem.status == .forbidden:
            return try page(.forbidden, "forbidden", problem.detail)
        case let problem as Problem where problem.status.code < 500:
            return try page(problem.status, "refused", problem.detail, details: problem.errors.map { "\($0.field): \($0.message)" })
        case let http as any HTTPResponseError where http.status == .notFound:
            return try page(.notFound, "notFound", messages.text("error.notFound.message", language))
        case let http as any HTTPResponseError where http.status.code < 500:
            return try page(http.status, "refused", messages.text("error.badRequest", language))
        default:
            context.logger.error("unhandled error on a page", metadata: ["error": .string(String(reflecting: error))])
            return try page(.internalServerError, "server", messages.text("error.server.message", language, context.requestId))
        }
    }
}
