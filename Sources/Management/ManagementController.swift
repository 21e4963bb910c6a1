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
        try await answer("turnaround", for: ManagementAccess.operations, request, context) { parameters in
            let range = parameters.range(today: ManagementStore.today(), defaultDays: 30)
            let groupBy = parameters.choice("groupBy", TurnaroundReport.groupings, default: "service")
            return range.map { ($0, groupBy) }
        } run: { range, groupBy in
            try await reports.turnaround(from: range.from, to: range.to, groupBy: groupBy)
        }
    }

    func workload(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await answer("workload", for: ManagementAccess.operations, request, context) { parameters in
            parameters.day("asOf", default: ManagementStore.today())
        } run: { asOf in
            try await reports.workload(asOf: asOf)
        }
    }

    func revenue(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await answer("revenue", for: ManagementAccess.finance, request, context) { parameters in
            let range = parameters.range(today: ManagementStore.today(), defaultDays: 365)
            let groupBy = parameters.choice("groupBy", RevenueReport.groupings, default: "month")
            return range.map { ($0, groupBy) }
        } run: { range, groupBy in
            try await reports.revenue(from: range.from, to: range.to, groupBy: groupBy)
        }
    }

    func receivables(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await answer("receivables", for: ManagementAccess.finance, request, context) { parameters in
            parameters.day("asOf", default: ManagementStore.today())
        } run: { asOf in
            try await reports.receivables(asOf: asOf)
        }
    }

    func equipmentDue(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await answer("equipment-due", for: ManagementAccess.operations, request, context) { parameters in
            let asOf = parameters.day("asOf", default: ManagementStore.today())
            let withinDays = parameters.integer("withinDays", in: 0...3650, default: 30)
            return asOf.map { ($0, withinDays) }
        } run: { asOf, withinDays in
            try await reports.equipmentDue(asOf: asOf, withinDays: withinDays)
        }
    }

    /// One report route, every step in the same order: the caller's role, the format (406 before any parameter is read),
    /// the parameters (`read` collects every problem into one 422; it returns nil only when one was found), the report,
    /// and the answer as JSON or CSV named `name`.
    func answer<Query, Report: CSVReport & ResponseEncodable>(
        _ name: String, for roles: [Role], _ request: Request, _ context: AuthenticatedContext,
        read: (inout ReportParameters) -> Query?, run: (Query) async throws -> Report
    ) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: roles)
        let format = try ReportFormat.negotiate(request)
        var parameters = ReportParameters(request.query)
        let query = read(&parameters)
        try parameters.finish()
        guard let query else { throw Problem.validation(parameters.validator.issues) }
        return try Self.respond(try await run(query), format, name, request, context)
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
