import LIMSCore

/// Who may do what with measurements and certificates: the one list the API and the staff console both enforce
/// (the four-eyes rule and authorisations per service are the module's own checks on top).
public enum CertificationAccess {
    /// Record and submit measurements.
    public static let measure: [Role] = [.technician]
    /// Review submitted results.
    public static let review: [Role] = [.reviewer]
    /// Sign and amend certificates.
    public static let sign: [Role] = [.signatory]
}
