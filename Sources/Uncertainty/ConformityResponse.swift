/// The answer to a ``ConformityRequest``: `{"decision": "conditional-pass"}`.
public struct ConformityResponse: Sendable, Equatable, Codable {
    public var decision: ConformityDecision

    public init(decision: ConformityDecision) {
        self.decision = decision
    }
}
