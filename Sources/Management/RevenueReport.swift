import Foundation
import LIMSCore
import PostgresNIO

/// `GET /v1/reports/revenue`: what was invoiced, credited and paid, per currency and never mixed.
///
/// Invoices issued from `from` to `to` (inclusive) count, with everything recorded against them so far: `invoiced` is
/// their totals; `credited` the totals of those cancelled by a credit note; `paid` the payments received on them;
/// `outstanding = invoiced − credited − paid` (negative when money is owed back). Grouped by month of issue
/// (`YYYY-MM`), by customer (its code as billed) or by service: an invoice's amounts are then shared among its lines in
/// proportion to what each line charged (price plus expedite surcharge) by cumulative rounding down: a line gets
/// ⌊amount × (its weight and the weights before it) ÷ all weights⌋ less the same for the lines before it, so the shares
/// add up to the amount exactly.
public struct RevenueReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var key: String
        public var currency: String
        public var invoiced: Money
        public var credited: Money
        public var paid: Money
        public var outstanding: Money
    }

    public var from: String
    public var to: String
    public var groupBy: String
    public var rows: [Row]

    public static let groupings = ["month", "customer", "service"]
}

extension RevenueReport: CSVReport {
    public static let csvHeader = ["key", "currency", "invoiced", "credited", "paid", "outstanding"]

    public var csvRows: [[CSVText.Cell]] {
        rows.map { [.text($0.key), .text($0.currency), .number($0.invoiced.decimalString), .number($0.credited.decimalString),
                    .number($0.paid.decimalString), .number($0.outstanding.decimalString)] }
    }
}

extension ManagementStore {
    public func revenue(from: String, to: String, groupBy: String) async throws -> RevenueReport {
        // Payments summed per invoice and credit notes joined once (hash joins), not looked up invoice by invoice.
        let invoices = """
            SELECT i.invoice_id, i.currency, i.customer_code, i.issued_on, i.total_minor,
                   CASE WHEN n.invoice_id IS NULL THEN 0 ELSE i.total_minor END AS credited_minor,
                   coalesce(p.paid, 0)::bigint AS paid_minor
            FROM report_invoices i
            LEFT JOIN report_credit_notes n ON n.invoice_id = i.invoice_id
            LEFT JOIN (SELECT invoice_id, sum(amount_minor) AS paid FROM report_payments GROUP BY invoice_id) p ON p.invoice_id = i.invoice_id
            WHERE i.issued_on BETWEEN $1::date AND $2::date
            """
        let sql: String
        switch groupBy {
        case "service":
            // Each line's shares of its invoice's amounts, as Billing keeps them (0058: cumulative rounding, so the shares are within
            // one minor unit of proportional and add up to the invoice's amounts exactly).
            sql = """
                SELECT service_code, currency, sum(invoiced_minor)::bigint, sum(credited_minor)::bigint, sum(paid_minor)::bigint
                FROM report_revenue_shares
                WHERE issued_on BETWEEN $1::date AND $2::date
                GROUP BY service_code, currency ORDER BY 1, 2
                """
        default:
            let key = groupBy == "customer" ? "customer_code" : "to_char(issued_on, 'YYYY-MM')"
            sql = """
                SELECT \(key) AS key, currency, sum(total_minor)::bigint, sum(credited_minor)::bigint, sum(paid_minor)::bigint
                FROM (\(invoices)) inv
                GROUP BY key, currency ORDER BY key, currency
                """
        }
        var bindings = PostgresBindings()
        bindings.append(from)
        bindings.append(to)
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: database.logger)
        var report = RevenueReport(from: from, to: to, groupBy: groupBy, rows: [])
        for try await (key, currency, invoiced, credited, paid) in rows.decode((String, String, Int64, Int64, Int64).self) {
            func money(_ minor: Int64) -> Money { Money(amountMinor: minor, currency: currency) }
            report.rows.append(.init(
                key: key, currency: currency, invoiced: money(invoiced), credited: money(credited), paid: money(paid),
                outstanding: money(invoiced - credited - paid)
            ))
        }
        return report
    }
}
