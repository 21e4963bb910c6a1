import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore

/// Takes `X-Request-Id` from the request (when sane) or makes one, puts it in every log line of the request,
/// and echoes it on the response, errors included.
struct RequestIdMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let requestId = request.headers[.requestId].flatMap(Self.sanitized) ?? UUID.random().uuidString.lowercased()
        context.requestId = requestId
        context.logger[metadataKey: "request_id"] = .string(requestId)
        var response = try await next(request, context)
        response.headers[.requestId] = requestId
        return response
    }

    /// Accepts only short printable ids, so a client cannot inject anything into logs.
    static func sanitized(_ value: String) -> String? {
        guard !value.isEmpty, value.count <= 128, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else {
            return nil
        }
        return value
    }
}
