import HTTPTypes
import Hummingbird

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

    public static func format(for mediaRange: String) -> DocumentFormat? {
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


extension DocumentFormat {
    /// The format a request asks for; 406 when it accepts none of JSON, HTML and plain text.
    public static func negotiate(_ request: Request) throws -> DocumentFormat {
        guard let format = negotiate(accept: request.headers[.accept]) else {
            throw Problem(status: .notAcceptable, detail: "Ask for application/json, text/html or text/plain.")
        }
        return format
    }

    /// A stored or rendered document in this format (the answer varies with `Accept`), with the document headers.
    public func response(_ text: String) -> Response {
        Self.document(text, contentType: contentType, headers: [.vary: "Accept"])
    }

    /// Any document that is not negotiated (an item label, the CSV export): `text` as `contentType`, with `headers`
    /// (e.g. `Content-Disposition`) and the document headers.
    public static func document(_ text: String, contentType: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return document(Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text))))
    }

    /// A document already encoded by the caller (its JSON form), with `Vary: Accept` and the document headers.
    public func response(_ encoded: Response) -> Response {
        var response = Self.document(encoded)
        response.headers[.vary] = "Accept"
        return response
    }

    /// Adds the document headers to an already made response.
    public static func document(_ response: Response) -> Response {
        var response = response
        for (name, value) in DocumentHeaders.all { response.headers[name] = value }
        return response
    }
}

/// The headers every document response carries (certificates, labels, invoices, credit notes, the CSV export),
/// whatever its format. Documents hold text that people typed (customer names, instrument data), so a browser must
/// never run anything in them or guess another type: no script, no plugin, no fetch, no framing, no form; styles only
/// from the document itself (the templates use a `<style>` block and `style` attributes; barcodes are inline SVG
/// markup, which needs no source). `private, no-cache`: a document may stay in the requester's own browser but is
/// checked with the server before each reuse (a certificate can be superseded or withdrawn) and never kept by a
/// shared cache.
public enum DocumentHeaders {
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    public static let cacheControl = "private, no-cache"
    public static let contentTypeOptions = "nosniff"

    public static let all: [(HTTPField.Name, String)] = [
        (.xContentTypeOptions, contentTypeOptions),
        (.contentSecurityPolicy, contentSecurityPolicy),
        (.cacheControl, cacheControl),
    ]
}
