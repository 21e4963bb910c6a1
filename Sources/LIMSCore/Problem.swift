import Foundation
import Hummingbird

/// One offending field of a request, named by its JSON path (`items[0].serviceCode`).
public struct FieldIssue: Codable, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// An RFC 9457 problem document, and the only error type the API answers with.
///
/// Anything thrown that is not a `Problem` (or a Hummingbird `HTTPError`) is turned into an opaque 500
/// by ``ProblemMiddleware``, so no SQL text or stack trace reaches a client.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var type: String
    public var title: String
    public var detail: String
    public var errors: [FieldIssue]
    /// Extra members of the problem document (e.g. `currentState`, `conflictingBooking`).
    public var extensions: [String: JSONValue]
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status,
        type: String? = nil,
        title: String? = nil,
        detail: String,
        errors: [FieldIssue] = [],
        extensions: [String: JSONValue] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type ?? "https://calibra.example/problems/\(Self.slug(status))"
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONValue] = extensions
        body["type"] = .string(type)
        body["title"] = .string(title)
        body["status"] = .number(Double(status.code))
        body["detail"] = .string(detail)
        if !errors.isEmpty {
            body["errors"] = .array(errors.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
        }
        let data = try JSONValue.encoder.encode(JSONValue.object(body))
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func slug(_ status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "-")
    }
}

extension Problem {
    public static func badRequest(_ detail: String) -> Problem { Problem(status: .badRequest, detail: detail) }

    public static func unauthorized(_ detail: String = "Authentication is required: send `Authorization: Bearer <token>`.") -> Problem {
        Problem(status: .unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func forbidden(_ detail: String) -> Problem { Problem(status: .forbidden, detail: detail) }

    /// 404 for anything unknown *or* belonging to another customer: the two must be indistinguishable.
    public static func notFound(_ what: String) -> Problem { Problem(status: .notFound, detail: "\(what) was not found.") }

    public static func conflict(_ detail: String, extensions: [String: JSONValue] = [:]) -> Problem {
        Problem(status: .conflict, detail: detail, extensions: extensions)
    }

    /// A state conflict that names the state the resource is in, so a client can tell what happened.
    public static func illegalTransition(_ entity: String, from state: String, action: String) -> Problem {
        Problem(
            status: .conflict,
            title: "Illegal state transition",
            detail: "Cannot \(action) the \(entity): it is \(state).",
            extensions: ["currentState": .string(state)]
        )
    }

    public static func validation(_ errors: [FieldIssue]) -> Problem {
        Problem(
            status: .unprocessableContent,
            title: "Validation failed",
            detail: errors.count == 1 ? "1 field is invalid." : "\(errors.count) fields are invalid.",
            errors: errors
        )
    }

    public static func invalid(_ field: String, _ message: String) -> Problem {
        validation([FieldIssue(field: field, message: message)])
    }
}
