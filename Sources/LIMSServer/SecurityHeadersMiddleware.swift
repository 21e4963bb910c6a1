import HTTPTypes
import Hummingbird
import LIMSCore

/// Adds `X-Content-Type-Options: nosniff` to every response, problem documents included, so no browser treats a
/// JSON answer as something to run. Document routes add their own stricter headers (`DocumentHeaders`).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = DocumentHeaders.contentTypeOptions
        return response
    }
}
