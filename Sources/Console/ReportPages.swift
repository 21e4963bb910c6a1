import Foundation
import Hummingbird
import LIMSCore
import Management
import Web

/// `/console/reports`: the management reports for a date range, as tables with bar charts drawn by the server as
/// inline SVG. Turnaround, open work and equipment due for every member of staff; revenue and receivables only for
/// those the API lets read money (admin, billing).
struct ReportPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/reports/index", "console/reports/chart"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("reports", use: index)
    }

    struct TurnaroundRow { var service: String; var completed: String; var median: String; var p90: String; var onTime: String }
    struct WorkloadRow { var label: String; var jobs: String; var bands: [String] }
    struct EquipmentRow { var href: String; var assetTag: String; var name: String; var dueOn: String; var daysLeft: String; var overdue: Bool; var bookings: String }
    struct RevenueRow { var month: String; var currency: String; var invoiced: String; var credited: String; var paid: String; var outstanding: String }
    struct RevenueCurrency { var currency: String; var chart: BarChart }
    struct ReceivableRow { var customer: String; var currency: String; var buckets: [String]; var total: String }

    struct Model {
        var from: String
        var to: String
        var fromError: String?
        var toError: String?
        var errors: [SummaryError]
        var turnaround: [TurnaroundRow]
        var turnaroundChart: BarChart
        var states: [WorkloadRow]
        var workloadChart: BarChart
        var technicians: [WorkloadRow]
        var equipment: [EquipmentRow]
        var showFinance: Bool
        var revenue: [RevenueRow]
        var revenueCharts: [RevenueCurrency]
        var receivablesLead: String
        var receivables: [ReceivableRow]
    }

    func index(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let today = ManagementStore.today()
        let fromText = query["from"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let toText = query["to"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        var errors: [SummaryError] = []
        var fromError: String?
        var toError: String?
        func day(_ text: String, _ anchor: String, _ label: String) -> (String?, String?) {
            guard !text.isEmpty else { return (nil, nil) }
            guard DateFormats.parseDay(text) != nil else {
                let message = display.text("reportsPage.dateInvalid")
                errors.append(SummaryError(anchor: anchor, label: label, message: message))
                return (nil, message)
            }
            return (text, nil)
        }
        var to: String?
        var from: String?
        (to, toError) = day(toText, "report-to", display.text("reportsPage.to"))
        (from, fromError) = day(fromText, "report-from", display.text("reportsPage.from"))
        var end = to ?? today
        var start = from ?? ReportParameters.day(end, plus: -29)
        if start > end {
            let message = display.text("reportsPage.fromAfterTo")
            fromError = message
            errors.append(SummaryError(anchor: "report-from", label: display.text("reportsPage.from"), message: message))
            end = today
            start = ReportParameters.day(today, plus: -29)
        }
        let reports = services.management
        let turnaround = try await reports.turnaround(from: start, to: end, groupBy: "service")
        let workload = try await reports.workload(asOf: today)
        let equipment = try await reports.equipmentDue(asOf: today, withinDays: 30)
        func percent(_ rate: Double) -> String { String(format: "%.0f %%", rate * 100) }
        func days(_ value: Double) -> String { String(format: "%.1f", value) }
        func bands(_ row: WorkloadReport.Row) -> [String] { [row.days0to2, row.days3to7, row.days8to14, row.days15Plus].map(String.init) }
        let states = workload.states.map { WorkloadRow(label: display.status("job", $0.key), jobs: String($0.jobs), bands: bands($0)) }
        var model = Model(
            from: fromText.isEmpty ? start : fromText, to: toText.isEmpty ? end : toText, fromError: fromError, toError: toError, errors: errors,
            turnaround: turnaround.rows.map {
                TurnaroundRow(service: $0.key, completed: String($0.completed), median: days($0.medianDays), p90: days($0.p90Days), onTime: percent($0.onTimeRate))
            },
            turnaroundChart: BarChart(
                id: "chart-turnaround", title: display.text("reportsPage.turnaroundChart"),
                turnaround.rows.map { ($0.key, $0.medianDays, days($0.medianDays)) }
            ),
            states: states,
            workloadChart: BarChart(
                id: "chart-workload", title: display.text("reportsPage.workloadChart"),
                zip(states, workload.states).map { ($0.label, Double($1.jobs), $0.jobs) }
            ),
            technicians: workload.technicians.map { WorkloadRow(label: $0.name ?? $0.key, jobs: String($0.jobs), bands: bands($0)) },
            equipment: equipment.rows.map {
                EquipmentRow(
                    href: "/console/equipment/\($0.equipmentId)", assetTag: $0.assetTag, name: $0.name, dueOn: $0.dueOn ?? display.text("reportsPage.never"),
                    daysLeft: $0.daysLeft.map(String.init) ?? "", overdue: $0.overdue, bookings: String($0.bookings.count)
                )
            },
            showFinance: context.has(anyOf: ManagementAccess.finance), revenue: [], revenueCharts: [],
            receivablesLead: display.text("reportsPage.receivablesLead", end), receivables: []
        )
        if model.showFinance {
            let revenue = try await reports.revenue(from: start, to: end, groupBy: "month")
            model.revenue = revenue.rows.map {
                RevenueRow(
                    month: $0.key, currency: $0.currency, invoiced: display.money($0.invoiced), credited: display.money($0.credited),
                    paid: display.money($0.paid), outstanding: display.money($0.outstanding)
                )
            }
            let currencies = Array(Set(revenue.rows.map(\.currency))).sorted()
            model.revenueCharts = currencies.enumerated().map { index, currency in
                let rows = revenue.rows.filter { $0.currency == currency }
                return RevenueCurrency(
                    currency: currency,
                    chart: BarChart(
                        id: "chart-revenue-\(index)", title: display.text("reportsPage.revenueChart", currency),
                        rows.map { ($0.key, Double($0.invoiced.amountMinor), display.money($0.invoiced)) }
                    )
                )
            }
            let receivables = try await reports.receivables(asOf: end)
            model.receivables = receivables.rows.map {
                ReceivableRow(
                    customer: "\($0.customerCode) · \($0.customerName)", currency: $0.currency,
                    buckets: [$0.current, $0.days1to30, $0.days31to60, $0.days61to90, $0.days90Plus].map(display.money), total: display.money($0.total)
                )
            }
        }
        return try area.page(
            "console/reports/index", titleKey: "reportsPage.title", model: model, request: request, context: context.root,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }
}
