/// Thrown when a request cannot be turned into its validated form; carries every problem found, not just the first,
/// so a client can fix them all in one round trip.
public struct UncertaintyValidationError: Error, Sendable, Equatable {
    /// All problems, in the order the fields appear in the request.
    public var issues: [FieldIssue]

    public init(issues: [FieldIssue]) {
        self.issues = issues
    }
}
