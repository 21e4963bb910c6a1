/// The outcome of a conformity assessment (ILAC-G8:2019 4.2.3, figure 4).
public enum ConformityDecision: String, Sendable, Codable, CaseIterable {
    /// Within specification, including the uncertainty where the rule takes it into account.
    case pass
    /// Outside specification, including the uncertainty where the rule takes it into account.
    case fail
    /// Measured value within the limit, but the uncertainty interval crosses it.
    case conditionalPass = "conditional-pass"
    /// Measured value outside the limit, but the uncertainty interval crosses back inside.
    case conditionalFail = "conditional-fail"
}
