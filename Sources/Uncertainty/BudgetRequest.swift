/// An uncertainty budget exactly as a client sent it (`POST …/uncertainty-budgets` style payloads).
///
/// Decoding is lenient on purpose; call ``validate()`` to list every problem, or ``validated()`` to get the typed
/// ``UncertaintyBudget`` that can be evaluated.
public struct BudgetRequest: Sendable, Equatable, Codable {
    /// The coverage probability used when the client gives none: the 95.45 % of a normal distribution at k = 2,
    /// which is what calibration certificates conventionally state.
    public static let defaultCoverageProbability = 0.9545

    /// Coverage probability p of the expanded uncertainty, in (0, 1); defaults to ``defaultCoverageProbability``.
    public var coverageProbability: Double?
    /// The input quantities; at least one.
    public var components: [ComponentInput]?

    public init(coverageProbability: Double? = nil, components: [ComponentInput]?) {
        self.coverageProbability = coverageProbability
        self.components = components
    }

    /// Every problem with the request, as JSON field paths; empty when it can be evaluated.
    public func validate() -> [FieldIssue] {
        check().issues
    }

    /// The typed, validated budget; throws with every problem when there is any.
    public func validated() throws(UncertaintyValidationError) -> UncertaintyBudget {
        let result = check()
        guard result.issues.isEmpty, let budget = result.budget else {
            throw UncertaintyValidationError(issues: result.issues)
        }
        return budget
    }

    /// Validates and evaluates in one step, for callers that only want the numbers.
    public func evaluate() throws(UncertaintyValidationError) -> BudgetResult {
        try validated().evaluate()
    }

    private func check() -> (budget: UncertaintyBudget?, issues: [FieldIssue]) {
        var issues: [FieldIssue] = []
        let probability = coverageProbability ?? Self.defaultCoverageProbability
        // Written so NaN fails too.
        if !(probability > 0 && probability < 1) {
            issues.append(FieldIssue(field: "coverageProbability", message: "must be greater than 0 and less than 1"))
        }
        var typed: [UncertaintyComponent] = []
        switch components {
        case nil:
            issues.append(FieldIssue(field: "components", message: "is required"))
        case let components? where components.isEmpty:
            issues.append(FieldIssue(field: "components", message: "must contain at least one component"))
        case let components?:
            for (index, input) in components.enumerated() {
                let result = input.validated(path: "components[\(index)]")
                issues += result.issues
                if let component = result.component { typed.append(component) }
            }
        }
        guard issues.isEmpty else { return (nil, issues) }
        return (UncertaintyBudget(coverageProbability: probability, components: typed), [])
    }
}
