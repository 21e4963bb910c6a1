import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore

/// Applies `InputRules` to every request before any handler or database work: the path and query string
/// (400 naming the parameter) and JSON bodies (400 when nested too deep, 422 naming every offending field).
/// The body is collected here once (within the 1 MiB limit) and handed on, so handlers decode it as usual.
struct InputGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try Self.checkPathAndQuery(request)
        guard Self.carriesJSON(request) else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let outcome = body.withUnsafeReadableBytes { JSONBodyScan.scan($0) }
        switch outcome {
        case .fine:
            return try await next(request, context)
        case .tooDeep:
            throw Problem.badRequest("The JSON body nests deeper than \(InputRules.maxDepth) levels.")
        case .issues(let issues):
            throw Problem.validation(issues)
        }
    }

    /// Bodies the handlers decode as JSON: those labelled JSON, and those with no content type at all.
    static func carriesJSON(_ request: Request) -> Bool {
        guard request.method != .get, request.method != .head else { return false }
        guard let type = request.headers[.contentType]?.lowercased() else { return true }
        return type.hasPrefix("application/json") || type.contains("+json")
    }

    static func checkPathAndQuery(_ request: Request) throws {
        let uri = request.uri
        let path = uri.path
        if path.contains("%") || path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            let decoded = path.removingPercentEncoding ?? path
            if let problem = InputRules.lineViolation(decoded[...]) {
                throw Problem(status: .badRequest, detail: "The path \(problem).", errors: [FieldIssue(field: "path", message: problem)])
            }
        }
        guard uri.query != nil else { return }
        var issues: [FieldIssue] = []
        for (key, value) in uri.queryParameters {
            let name = String(key).removingPercentEncoding ?? String(key)
            if let problem = InputRules.lineViolation(name[...]) ?? InputRules.lineViolation(value) {
                issues.append(FieldIssue(field: name.unicodeScalars.allSatisfy { $0.value >= 0x20 } ? name : "query", message: problem))
            } else if value.count > InputRules.maxStringLength {
                issues.append(FieldIssue(field: name, message: "must be at most \(InputRules.maxStringLength) characters"))
            }
        }
        if !issues.isEmpty {
            throw Problem(status: .badRequest, detail: "The query string is invalid: " + issues.map { "\($0.field) \($0.message)" }.joined(separator: "; ") + ".", errors: issues)
        }
    }
}
