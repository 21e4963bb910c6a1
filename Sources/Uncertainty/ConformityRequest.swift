import Foundation

/// A conformity question as a client sent it: is this measured error within ±MPE under this decision rule?
///
/// Numbers may be JSON numbers or decimal strings (see ``DecimalInput``); `rule` is a plain string so an unknown
/// rule is reported by ``validate()`` rather than failing decoding.
public struct ConformityRequest: Sendable, Equatable, Codable {
    /// Measured error e = indication − reference value; its sign does not matter for symmetric limits.
    public var measuredError: DecimalInput?
    /// Maximum permissible error, > 0.
    public var mpe: DecimalInput?
    /// Expanded uncertainty U of the measured error, ≥ 0; required for the guarded rule, taken as 0 for simple.
    public var expandedUncertainty: DecimalInput?
    /// `"simple"` or `"guarded"`.
    public var rule: String?

    public init(measuredError: DecimalInput?, mpe: DecimalInput?, expandedUncertainty: DecimalInput?, rule: String?) {
        self.measuredError = measuredError
        self.mpe = mpe
        self.expandedUncertainty = expandedUncertainty
        self.rule = rule
    }

    /// Every problem with the request, as JSON field paths; empty when a decision can be made.
    public func validate() -> [FieldIssue] {
        check().issues
    }

    /// The decision; throws with every problem when the request is not valid.
    public func decide() throws(UncertaintyValidationError) -> ConformityResponse {
        let result = check()
        guard result.issues.isEmpty, let decision = result.decision else {
            throw UncertaintyValidationError(issues: result.issues)
        }
        return ConformityResponse(decision: decision)
    }

    private func check() -> (decision: ConformityDecision?, issues: [FieldIssue]) {
        var issues: [FieldIssue] = []
        let numberMessage = "must be a decimal number (a JSON number or a decimal string)"
        let error = measuredError?.value
        if measuredError == nil {
            issues.append(FieldIssue(field: "measuredError", message: "is required"))
        } else if error == nil {
            issues.append(FieldIssue(field: "measuredError", message: numberMessage))
        }
        let limit = mpe?.value
        if mpe == nil {
            issues.append(FieldIssue(field: "mpe", message: "is required"))
        } else if let limit {
            if limit <= 0 { issues.append(FieldIssue(field: "mpe", message: "must be greater than zero")) }
        } else {
            issues.append(FieldIssue(field: "mpe", message: numberMessage))
        }
        let decisionRule = rule.flatMap(DecisionRule.init(rawValue:))
        if decisionRule == nil {
            let names = DecisionRule.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            issues.append(FieldIssue(field: "rule", message: rule == nil ? "is required; use \(names)" : "must be \(names)"))
        }
        var uncertainty = expandedUncertainty?.value
        if let expandedUncertainty {
            if let value = expandedUncertainty.value {
                if value < 0 { issues.append(FieldIssue(field: "expandedUncertainty", message: "must be zero or greater")) }
            } else {
                issues.append(FieldIssue(field: "expandedUncertainty", message: numberMessage))
            }
        } else if decisionRule == .guarded {
            issues.append(FieldIssue(field: "expandedUncertainty", message: "is required for the guarded rule"))
        } else {
            // Simple acceptance ignores U, so its absence costs nothing.
            uncertainty = 0
        }
        guard issues.isEmpty, let error, let limit, let uncertainty, let decisionRule else { return (nil, issues) }
        return (Conformity.decide(measuredError: error, mpe: limit, expandedUncertainty: uncertainty, rule: decisionRule), [])
    }
}
