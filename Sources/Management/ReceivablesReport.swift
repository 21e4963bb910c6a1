import Foundation
import LIMSCore

/// `GET /v1/reports/receivables`: open balances per customer and currency at `asOf`, by age past due.
///
/// An invoice issued on or before `asOf` and not cancelled by a credit note issued on or before it has an open balance
/// of its total less the payments received on or before `asOf`; only positive balances count. Its age is `asOf` minus
/// its due date in days: `current` when not yet past due (0 or less), then `1-30`, `31-60`, `61-90` and `90+`.
public struct ReceivablesReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var customerId: UUID
        public var customerCode: String
        public var customerName: String
        public var currency: String
        public var current: Money
        public var days1to30: Money
        public var days31to60: Money
        public var days61to90: Money
        public var days90Plus: Money
        public var total: Money

        enum CodingKeys: String, CodingKey {
            case customerId, customerCode, customerName, currency, current, total
            case days1to30 = "1-30"
            case days31to60 = "31-60"
            case days61to90 = "61-90"
            case days90Plus = "90+"
        }
    }

    public var asOf: String
    public var rows: [Row]
}

extension ReceivablesReport: CSVReport {
    public static let csvHeader = ["customerId", "customerCode", "customerName", "currency", "current", "1-30", "31-60", "61-90", "90+", "total"]

    public var csvRows: [[CSVText.Cell]] {
        rows.map { row in
            [.text(row.customerId.uuidString.lowercased()), .text(row.customerCode), .text(row.customerName), .text(row.currency)]
                + [row.current, row.days1to30, row.days31to60, row.days61to90, row.days90Plus, row.total].map { .number($0.decimalString) }
        }
    }
}

extension ManagementStore {
    public func receivables(asOf: String) async throws -> ReceivablesReport {
        let rows = try await database.client.query(
            """
            SELECT customer_id, (array_agg(customer_code ORDER BY issued_on DESC))[1], (array_agg(customer_name ORDER BY issued_on DESC))[1], currency,
                   coalesce(sum(balance) FILTER (WHERE age <= 0), 0)::bigint,
                   coalesce(sum(balance) FILTER (WHERE age BETWEEN 1 AND 30), 0)::bigint,
                   coalesce(sum(balance) FILTER (WHERE age BETWEEN 31 AND 60), 0)::bigint,
                   coalesce(sum(balance) FILTER (WHERE age BETWEEN 61 AND 90), 0)::bigint,
                   coalesce(sum(balance) FILTER (WHERE age > 90), 0)::bigint
            FROM (
                SELECT i.customer_id, i.customer_code, i.customer_name, i.currency, i.issued_on, \(asOf)::date - i.due_on AS age,
                       i.total_minor - coalesce(p.paid, 0) AS balance
                FROM report_invoices i
                LEFT JOIN (
                    SELECT invoice_id, sum(amount_minor) AS paid FROM report_payments WHERE received_on <= \(asOf)::date GROUP BY invoice_id
                ) p ON p.invoice_id = i.invoice_id
                WHERE i.issued_on <= \(asOf)::date
                  AND NOT EXISTS (SELECT FROM report_credit_notes n WHERE n.invoice_id = i.invoice_id AND n.issued_on <= \(asOf)::date)
            ) open
            WHERE balance > 0
            GROUP BY customer_id, currency
            ORDER BY 2, currency
            """,
            logger: database.logger
        )
        var report = ReceivablesReport(asOf: asOf, rows: [])
        for try await row in rows.decode((UUID, String, String, String, Int64, Int64, Int64, Int64, Int64).self) {
            func money(_ minor: Int64) -> Money { Money(amountMinor: minor, currency: row.3) }
            report.rows.append(.init(
                customerId: row.0, customerCode: row.1, customerName: row.2, currency: row.3, current: money(row.4), days1to30: money(row.5),
                days31to60: money(row.6), days61to90: money(row.7), days90Plus: money(row.8), total: money(row.4 + row.5 + row.6 + row.7 + row.8)
            ))
        }
        return report
    }
}
