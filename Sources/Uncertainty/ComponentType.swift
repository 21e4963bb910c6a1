/// How a component's standard uncertainty was evaluated (GUM 4.2 and 4.3).
///
/// The type does not change the arithmetic; it is recorded because certificates and audits must say which
/// contributions come from statistics of repeated observations and which from other knowledge.
public enum ComponentType: String, Sendable, Codable, CaseIterable {
    /// Statistical analysis of a series of observations (GUM 4.2).
    case a = "A"
    /// Any other means: calibration certificates, specifications, experience (GUM 4.3).
    case b = "B"
}
