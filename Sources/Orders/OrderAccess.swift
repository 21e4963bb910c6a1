import LIMSCore

/// Who may do what with orders: the one list the API and the staff console both enforce.
public enum OrderAccess {
    /// Contract review: accept or reject a submitted order.
    public static let contractReview: [Role] = [.admin, .receptionist, .reviewer, .signatory]
}
