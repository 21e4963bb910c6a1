import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore

/// A management report's representation: JSON by default, or CSV (RFC 4180) when `Accept` prefers `text/csv`.
public enum ReportFormat: Sendable, Equatable {
    case json
    case csv

    /// The highest-`q` of JSON and CSV in `Accept` (JSON when absent or anything goes); `nil` when neither is acceptable.
    public static func negotiate(accept: String?) -> ReportFormat? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        var best: (format: ReportFormat, quality: Double)?
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") { quality = Double(parameter.dropFirst(2)) ?? 1.0 }
            let format: ReportFormat? = switch type {
            case "text/csv", "text/*": .csv
            case "application/json", "application/*", "*/*", "application/problem+json": .json
            default: nil
            }
            guard quality > 0, let format else { continue }
            if quality > (best?.quality ?? 0) { best = (format, quality) }
        }
        return best?.format
    }

    /// The format `request` asks for; 406 when it accepts neither.
    public static func negotiate(_ request: Request) throws -> ReportFormat {
        guard let format = negotiate(accept: request.headers[.accept]) else {
            throw Problem(status: .notAcceptable, detail: "Ask for application/json or text/csv.")
        }
        return format
    }
}

/// A report that can be written as CSV: a header row, then one record per row of its JSON `rows`.
public protocol CSVReport: Encodable, Sendable {
    static var csvHeader: [String] { get }
    var csvRows: [[CSVText.Cell]] { get }
}

extension CSVReport {
    /// The whole file, every record ended by CRLF.
    public var csv: String {
        ([Self.csvHeader.map(CSVText.Cell.text)] + csvRows).map(CSVText.record).joined()
    }
}
