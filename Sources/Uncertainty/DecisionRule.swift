/// The decision rule for a statement of conformity (ILAC-G8:2019 §4, ISO/IEC 17025:2017 7.8.6).
public enum DecisionRule: String, Sendable, Codable, CaseIterable {
    /// Simple acceptance (ILAC-G8 4.2.1): the measured value alone is compared with the limit; the uncertainty is
    /// only required to be small enough, which is the customer's and the lab's agreement, not checked here.
    case simple
    /// Non-binary rule with a guard band w = U (ILAC-G8 4.2.3): results within U of a limit are stated as
    /// conditional so the customer sees the risk.
    case guarded
}
