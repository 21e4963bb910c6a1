import LIMSCore

/// Who may do what at receipt: the one list the API and the staff console both enforce.
public enum ReceiptAccess {
    /// Receive, move, hold, resume, reject and return instruments.
    public static let custody: [Role] = [.receptionist, .admin]
}
