import Foundation
import LIMSCore
import PostgresNIO

/// `GET /v1/reports/revenue`: what was invoiced, credited and paid, per currency and never mixed.
///
/// Invoices issued from `from` to `to` (inclusive) count, with everything recorded against them so far: `invoiced` is
/// their totals; `credited` the totals of those cancelled by a credit note; `paid` the payments received on them;
/// `outstanding = invoiced − credited − paid` (negative when money is owed back). Grouped by month of issue
/// (`YYYY-MM`), by customer (its code as billed) or by service: an invoice's amounts are then shared among its lines in
/// proportion to what each line charged (price plus expedite surcharge), rounded down, the remainder to its first line.
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
        let invoices = """
            SELECT i.invoice_id, i.currency, i.customer_code, i.issued_on, i.total_minor,
                   CASE WHEN EXISTS (SELECT FROM report_credit_notes n WHERE n.invoice_id = i.invoice_id) THEN i.total_minor ELSE 0 END AS credited_minor,
                   coalesce((SELECT sum(p.amount_minor) FROM report_payments p WHERE p.invoice_id = i.invoice_id), 0)::bigint AS paid_minor
            FROM report_invoices i
            WHERE i.issued_on BETWEEN $1::date AND $2::date
            """
        let sql: String
        switch groupBy {
        case "service":
            // Each line's share, rounded down; the remainder of each amount goes to the invoice's first line.
            sql = """
                WITH inv AS (\(invoices)),
                lines AS (
                    SELECT l.invoice_id, l.line_number, l.service_code, inv.currency, inv.total_minor, inv.credited_minor, inv.paid_minor,
                           l.amount_minor AS weight, (sum(l.amount_minor) OVER (PARTITION BY l.invoice_id))::bigint AS weights,
                           row_number() OVER (PARTITION BY l.invoice_id ORDER BY l.line_number) AS position
                    FROM inv JOIN report_invoice_lines l ON l.invoice_id = inv.invoice_id
                ),
                floors AS (
                    SELECT lines.*,
                           CASE WHEN weights = 0 THEN 0 ELSE total_minor * weight / weights END AS total_share,
                           CASE WHEN weights = 0 THEN 0 ELSE credited_minor * weight / weights END AS credited_share,
                           CASE WHEN weights = 0 THEN 0 ELSE paid_minor * weight / weights END AS paid_share
                    FROM lines
                ),
                shares AS (
                    SELECT service_code AS key, currency,
                           total_share + CASE WHEN position = 1 THEN total_minor - sum(total_share) OVER w ELSE 0 END AS invoiced,
                           credited_share + CASE WHEN position = 1 THEN credited_minor - sum(credited_share) OVER w ELSE 0 END AS credited,
                           paid_share + CASE WHEN position = 1 THEN paid_minor - sum(paid_share) OVER w ELSE 0 END AS paid
                    FROM floors
                    WINDOW w AS (PARTITION BY invoice_id)
                )
                SELECT key, currency, sum(invoiced)::bigint, sum(credited)::bigint, sum(paid)::bigint FROM shares
                GROUP BY key, currency ORDER BY key, currency
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
