import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore
import Logging
import PostgresNIO

/// Turns every error into an `application/problem+json` response.
///
/// `Problem`s pass through; Hummingbird's own errors (400 bad JSON, 404, 413…) keep their status with a
/// problem body; an unmatched method on a known path becomes 405 with `Allow`; anything else is logged
/// in full and answered with an opaque 500, so SQL text and stack traces never reach a client.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteCatalog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = self.problem(for: error, request: request, context: context)
            var response = try problem.response(from: request, context: context)
            response.headers[.requestId] = context.requestId
            return response
        }
    }

    func problem(for error: any Error, request: Request, context: Context) -> Problem {
        var error = error
        if let transaction = error as? PostgresTransactionError { error = transaction.underlying }
        switch error {
        case let problem as Problem:
            return problem
        case let http as HTTPError where http.status == .notFound && context.endpointPath == "NotFound":
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty, !allowed.contains(request.method) {
                let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return Problem(
                    status: .methodNotAllowed, detail: "\(request.method) is not allowed on \(request.uri.path); use \(allow).",
                    headers: [.allow: allow]
                )
            }
            return Problem(status: .notFound, detail: "No route matches \(request.method) \(request.uri.path).")
        case let http as any HTTPResponseError where http.status.code < 500:
            return Problem(status: http.status, detail: Self.detail(for: http))
        case let stored as StoredValueError:
            context.logger.error(
                "unknown stored value",
                metadata: ["table": .string(stored.table), "column": .string(stored.column), "value": .string(stored.value), "type": .string(stored.type)]
            )
            return Problem(status: .internalServerError, detail: "The server failed to complete the request; quote the request id to support.")
        case is CancellationError:
            // The server is stopping and its time to finish this request ran out (LIMS_SHUTDOWN_TIMEOUT): nothing failed.
            context.logger.notice("request cancelled: the server is stopping")
            return Problem(status: .serviceUnavailable, detail: "The server is stopping; send the request again.", headers: [.retryAfter: "1"])
        default:
            context.logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error))])
            return Problem(status: .internalServerError, detail: "The server failed to complete the request; quote the request id to support.")
        }
    }

    static func detail(for error: any HTTPResponseError) -> String {
        if let http = error as? HTTPError, let message = http.body, !message.isEmpty { return message }
        switch error.status {
        case .contentTooLarge: return "The request body is larger than 1 MiB."
        case .badRequest: return "The request is malformed."
        default: return error.status.reasonPhrase
        }
    }
}
