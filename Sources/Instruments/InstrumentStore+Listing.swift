import Accounts
import Foundation
import LIMSCore
import PostgresNIO

/// The filters of `GET /v1/instruments`.
public struct InstrumentFilter: Sendable {
    /// One customer's register (a customer's own, always); `nil` for every customer (staff).
    public var customerId: UUID?
    public var status: InstrumentStatus?
    /// `true`: only instruments under mandatory verification; `false`: only the others.
    public var mandatory: Bool?
    /// Matched after the same normalisation as identification (case, whitespace).
    public var serialNumber: String?

    public init(customerId: UUID? = nil, status: InstrumentStatus? = nil, mandatory: Bool? = nil, serialNumber: String? = nil) {
        self.customerId = customerId
        self.status = status
        self.mandatory = mandatory
        self.serialNumber = serialNumber
    }
}

extension InstrumentStore {
    /// A page of the register. Lists by status `overdue`, `due_soon` and `in_period` come by next due date, most urgent
    /// first; the others in order of registration. Each status is a range of one index
    /// (`instruments_customer_due`, or `instruments_due` across customers), so a page costs the same however large the register.
    public func list(_ filter: InstrumentFilter, page: PageRequest, today: String = InstrumentStore.today()) async throws -> Page<RegisteredInstrument> {
        let byDueDate = filter.status?.isOrderedByDueDate == true
        let position = try page.cursorValue()
        let after = position.map { byDueDate ? Self.splitDuePosition($0) : (day: nil, seq: $0) }
        return try await database.connection { connection in
            // One customer: its lead is a constant, so every status is a plain range of the due date. Across customers each
            // row's lead is looked up in a JSON object of all of them (no join, so the index order holds).
            let scopedLead: Int?
            var leads: [UUID: Int] = [:]
            if let status = filter.status, !status.dependsOnLead {
                // Overdue, failed, no due date: every row's status is the filter's, whatever its owner's lead (a round trip
                // saved; across customers, a read of every customer).
                scopedLead = nil
            } else if let customerId = filter.customerId {
                let lead = try await customers.reminderLeadDays(customerId: customerId, on: connection) ?? CustomerStore.defaultReminderLeadDays
                scopedLead = lead
                leads[customerId] = lead
            } else {
                scopedLead = nil
                leads = try await customers.reminderLeadDays(on: connection)
            }
            // Across customers, the leads' range still bounds the index range; each row is then checked against its own lead.
            let values = leads.values
            let bounds = Self.dueBounds(
                filter.status, today: today, leads: (values.min() ?? CustomerStore.defaultReminderLeadDays)...(values.max() ?? CustomerStore.defaultReminderLeadDays)
            )
            let perRowLead = scopedLead == nil && (filter.status == .dueSoon || filter.status == .inPeriod)
            let rowLeads = Self.leadsJSON(perRowLead ? leads : [:])
            // Every filter is `(parameter IS NULL OR condition)`: PostgreSQL plans an unnamed statement with its parameters'
            // values and folds the unused ones away. Dates are tested for NULL as text, since a cast to date is only stable and
            // would keep the OR (and lose the index).
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM instruments i
                WHERE (\(filter.customerId)::uuid IS NULL OR i.customer_id = \(filter.customerId))
                  AND (\(filter.mandatory)::boolean IS NULL OR (i.mandatory_verification_category IS NOT NULL) = \(filter.mandatory))
                  AND (\(filter.serialNumber)::text IS NULL OR i.serial_key = instrument_identity(\(filter.serialNumber)))
                  AND (\(bounds.from)::text IS NULL OR i.next_due_on >= \(bounds.from)::date)
                  AND (\(bounds.to)::text IS NULL OR i.next_due_on <= \(bounds.to)::date)
                  AND (\(filter.status == .failed) = false OR i.last_result = 'fail')
                  AND (\(filter.status == .noDueDate) = false OR (i.next_due_on IS NULL AND i.last_result IS DISTINCT FROM 'fail'))
                  AND (\(perRowLead && filter.status == .dueSoon) = false
                       OR i.next_due_on <= \(today)::date + coalesce((\(rowLeads)::jsonb ->> i.customer_id::text)::int, 0))
                  AND (\(perRowLead && filter.status == .inPeriod) = false
                       OR i.next_due_on > \(today)::date + coalesce((\(rowLeads)::jsonb ->> i.customer_id::text)::int, 0))
                  AND (\(byDueDate ? after?.day : nil)::int IS NULL
                       OR (i.next_due_on, i.seq) > (DATE '1970-01-01' + \(after?.day)::int, \(after?.seq ?? 0)::bigint))
                  AND (\(byDueDate ? nil : after?.seq)::bigint IS NULL OR i.seq > \(after?.seq ?? 0)::bigint)
                ORDER BY \(unescaped: byDueDate ? "i.next_due_on, i.seq" : "i.seq")
                LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            let found = try await Self.decode(rows).map { Self.withStatus($0, today: today, leads: leads) }
            return Page(fetched: found, limit: page.limit) { instrument in
                byDueDate ? Self.duePosition(day: instrument.dueDay ?? 0, seq: instrument.seq) : instrument.seq
            }
        }
    }

    /// The due-date range of a status on `today` for owners reminded `leads` days ahead: exact for one customer (a single
    /// lead); across customers `due_soon` and `in_period` are narrowed further row by row.
    static func dueBounds(_ status: InstrumentStatus?, today: String, leads: ClosedRange<Int>) -> (from: String?, to: String?) {
        switch status {
        case .overdue: (nil, Calendar.day(today, plus: -1))
        case .dueSoon: (today, Calendar.day(today, plus: leads.upperBound))
        case .inPeriod: (Calendar.day(today, plus: leads.lowerBound + 1), nil)
        case .failed, .noDueDate, nil: (nil, nil)
        }
    }

    /// A position in a list by due date: the due day (days since 1970-01-01, shifted positive) above 40 bits of `seq`.
    static func duePosition(day: Int, seq: Int64) -> Int64 {
        (Int64(day + 1_000_000) << 40) | (seq & ((1 << 40) - 1))
    }

    /// Any position is a valid cursor, issued or not; its day is clamped to a range wider than every storable date
    /// (years 0000 to 9999) and within PostgreSQL's, so an odd one starts the page before or after every entry.
    static func splitDuePosition(_ position: Int64) -> (day: Int?, seq: Int64) {
        (min(max(Int(position >> 40) - 1_000_000, -1_000_000), 3_000_000), position & ((1 << 40) - 1))
    }
}
