/// The representations a document route offers, chosen from the request's `Accept` header.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case json = "application/json"
    case html = "text/html"
    case text = "text/plain"

    /// The format the client prefers: the highest `q` among those offered (ties in header order); JSON when
    /// there is no `Accept` header or it accepts anything; `nil` when nothing offered is acceptable (406).
    public static func negotiate(accept: String?) -> DocumentFormat? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        var best: (format: DocumentFormat, quality: Double)?
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 1.0
            }
            guard quality > 0, let format = format(for: type) else { continue }
            if quality > (best?.quality ?? 0) { best = (format, quality) }
        }
        return best?.format
    }

    static func format(for mediaRange: String) -> DocumentFormat? {
        switch mediaRange {
        case "application/json", "application/*", "*/*", "application/problem+json": .json
        case "text/html", "text/*": .html
        case "text/plain": .text
        default: nil
        }
    }

    /// The `Content-Type` of a response in this format.
    public var contentType: String { "\(rawValue); charset=utf-8" }
}

import Hummingbird

extension DocumentFormat {
    /// The format a request asks for; 406 when it accepts none of JSON, HTML and plain text.
    public static func negotiate(_ request: Request) throws -> DocumentFormat {
        guard let format = negotiate(accept: request.headers[.accept]) else {
            throw Problem(status: .notAcceptable, detail: "Ask for application/json, text/html or text/plain.")
        }
        return format
    }

    /// A stored or rendered document in this format (the answer varies with `Accept`).
    public func response(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .vary: "Accept"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
