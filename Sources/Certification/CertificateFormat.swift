import Hummingbird
import LIMSCore

/// The forms of a certificate: JSON, HTML and text as every document, plus the Digital Calibration Certificate.
/// `?format=html|text|json|dcc` (for links) wins over `Accept`.
enum CertificateFormat: Equatable {
    case document(DocumentFormat)
    case dcc

    static func negotiate(_ request: Request) throws -> CertificateFormat {
        if let format = request.query["format"] {
            switch format {
            case "json": return .document(.json)
            case "html": return .document(.html)
            case "text": return .document(.text)
            case "dcc": return .dcc
            default: throw Problem.invalid("format", "must be one of html, text, json, dcc")
            }
        }
        guard let format = negotiate(accept: request.headers[.accept]) else {
            throw Problem(status: .notAcceptable, detail: "Ask for application/json, text/html, text/plain or \(DCCRenderer.mediaType).")
        }
        return format
    }

    /// The highest `q` among the offered forms (ties in header order); JSON without an `Accept` header; nil when none is acceptable.
    static func negotiate(accept: String?) -> CertificateFormat? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .document(.json) }
        var best: (format: CertificateFormat, quality: Double)?
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 1.0
            }
            let format: CertificateFormat? = type == DCCRenderer.mediaType ? .dcc : DocumentFormat.format(for: type).map { .document($0) }
            guard quality > 0, let format else { continue }
            if quality > (best?.quality ?? 0) { best = (format, quality) }
        }
        return best?.format
    }
}
