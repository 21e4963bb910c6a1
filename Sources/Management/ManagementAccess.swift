import LIMSCore

/// Who may read which management report: the one list the API and the staff console both enforce.
public enum ManagementAccess {
    /// Turnaround, workload and equipment due: any member of staff.
    public static let operations: [Role] = []
    /// Revenue and receivables: money is for the billing office and administrators.
    public static let finance: [Role] = [.admin, .billing]
}
