import Foundation

/// Invoice status: `issued → partially_paid → paid`, `overdue` when past due and unpaid, `credited`.
///
/// Never stored: it follows from the payments, the credit note and today's date each time an invoice is read,
/// so an invoice falls overdue without anything writing to it.
public enum InvoiceStatus: String, Codable, Sendable, CaseIterable {
    case issued
    case partiallyPaid = "partially_paid"
    case paid
    case overdue
    case credited

    /// The status of an invoice of `totalMinor` with `paidMinor` received, due on `dueOn` (`YYYY-MM-DD`), on the
    /// UTC day `today` (`YYYY-MM-DD`). Credited wins over everything; an unpaid or partly paid invoice is overdue
    /// from the day after its due date.
    public static func derive(totalMinor: Int64, paidMinor: Int64, credited: Bool, dueOn: String, today: String) -> InvoiceStatus {
        if credited { return .credited }
        if paidMinor >= totalMinor { return .paid }
        if dueOn < today { return .overdue }  // YYYY-MM-DD compares chronologically as text
        return paidMinor > 0 ? .partiallyPaid : .issued
    }

    /// The same rule in SQL, for filtering lists by status. Expects the aliases `i` (invoices), `c` (credit_notes,
    /// left-joined), `p.paid` (the sum of payments) and `t.day` (today, by the store's clock). Keep in step with `derive`.
    static let sqlCase = """
        CASE WHEN c.id IS NOT NULL THEN 'credited'
             WHEN p.paid >= i.total_minor THEN 'paid'
             WHEN i.due_on < t.day THEN 'overdue'
             WHEN p.paid > 0 THEN 'partially_paid'
             ELSE 'issued' END
        """
}
