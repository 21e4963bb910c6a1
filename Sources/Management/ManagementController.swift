import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore

/// The management reports (`/v1/reports/turnaround|workload|revenue|receivables|equipment-due`), staff only, money
/// for admin and billing. JSON by default; CSV (RFC 4180, a header row, one record per JSON row) with `Accept: text/csv`.
public struct ManagementController: Sendable {
    let reports: ManagementStore

    public init(reports: ManagementStore) {
        self.reports = reports
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("reports/turnaround", use: turnaround)
        group.get("reports/workload", use: workload)
        group.get("reports/revenue", use: revenue)
        group.get("reports/receivables", use: receivables)
        group.get("reports/equipment-due", use: equipmentDue)
    }

    func turnaround(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: ManagementAccess.operations)
        let format = try ReportFormat.negotiate(request)
        var parameters = ReportParameters(request.query)
        let range = parameters.range(today: ManagementStore.today(), defaultDays: 30)
        let groupBy = parameters.choice("groupBy", TurnaroundReport.groupings, default: "service")
        try parameters.finish()
        guard let range else { throw Problem.validation(parameters.validator.issues) }
        return try Self.respond(try await reports.turnaround(from: range.from, to: range.to, groupBy: groupBy), format, "turnaround", request, context)
    }

    func workload(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: ManagementAccess.operations)
        let format = try ReportFormat.negotiate(request)
        var parameters = ReportParameters(request.query)
        let asOf = parameters.day("asOf", default: ManagementStore.today())
        try parameters.finish()
        guard let asOf else { throw Problem.validation(parameters.validator.issues) }
        return try Self.respond(try await reports.workload(asOf: asOf), format, "workload", request, context)
    }

    func revenue(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: ManagementAccess.finance)
        let format = try ReportFormat.negotiate(request)
        var parameters = ReportParameters(request.query)
        let range = parameters.range(today: ManagementStore.today(), defaultDays: 365)
        let groupBy = parameters.choice("groupBy", RevenueReport.groupings, default: "month")
        try parameters.finish()
        guard let range else { throw Problem.validation(parameters.validator.issues) }
        return try Self.respond(try await reports.revenue(from: range.from, to: range.to, groupBy: groupBy), format, "revenue", request, context)
    }

    func receivables(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: ManagementAccess.finance)
        let format = try ReportFormat.negotiate(request)
        var parameters = ReportParameters(request.query)
        let asOf = parameters.day("asOf", default: ManagementStore.today())
        try parameters.finish()
        guard let asOf else { throw Problem.validation(parameters.validator.issues) }
        return try Self.respond(try await reports.receivables(asOf: asOf), format, "receivables", request, context)
    }

    func equipmentDue(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: ManagementAccess.operations)
        let format = try ReportFormat.negotiate(request)
        var parameters = ReportParameters(request.query)
        let asOf = parameters.day("asOf", default: ManagementStore.today())
        let withinDays = parameters.integer("withinDays", in: 0...3650, default: 30)
        try parameters.finish()
        guard let asOf else { throw Problem.validation(parameters.validator.issues) }
        return try Self.respond(try await reports.equipmentDue(asOf: asOf, withinDays: withinDays), format, "equipment-due", request, context)
    }

    /// The report as JSON, or as a CSV attachment.
    static func respond<Report: CSVReport & ResponseEncodable>(
        _ report: Report, _ format: ReportFormat, _ name: String, _ request: Request, _ context: AuthenticatedContext
    ) throws -> Response {
        switch format {
        case .json:
            var response = try report.response(from: request, context: context)
            response.headers[.vary] = "Accept"
            return response
        case .csv:
            var response = DocumentFormat.document(
                report.csv, contentType: "text/csv; charset=utf-8; header=present",
                headers: [.contentDisposition: "attachment; filename=\"\(name).csv\""]
            )
            response.headers[.vary] = "Accept"
            return response
        }
    }
}

extension TurnaroundReport: ResponseEncodable {}
extension WorkloadReport: ResponseEncodable {}
extension RevenueReport: ResponseEncodable {}
extension ReceivablesReport: ResponseEncodable {}
extension EquipmentDueReport: ResponseEncodable {}
