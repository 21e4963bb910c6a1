import LIMSCore

/// Who may work with invoices: the one list the API and the staff console both enforce.
public enum BillingAccess {
    /// See every customer's invoices, record payments, issue credit notes, export.
    public static let manage: [Role] = [.billing, .admin]
}
