/// The evaluated budget: combined and expanded uncertainty with the figures a certificate must state (GUM 7.2.3).
public struct BudgetResult: Sendable, Equatable, Codable {
    /// u_c(y).
    public var combinedStandardUncertainty: Double
    /// ν_eff as computed, not truncated; `.infinity` when every input is exactly known (JSON `null`).
    public var effectiveDegreesOfFreedom: Double
    /// k, Student's t at ``degreesOfFreedomForCoverage`` or the normal quantile when that is infinite.
    public var coverageFactor: Double
    /// p.
    public var coverageProbability: Double
    /// U = k·u_c; use ``ReportedUncertainty`` for the figure to print.
    public var expandedUncertainty: Double
    /// One row per input component, in request order.
    public var components: [ComponentResult]

    public init(
        combinedStandardUncertainty: Double,
        effectiveDegreesOfFreedom: Double,
        coverageFactor: Double,
        coverageProbability: Double,
        expandedUncertainty: Double,
        components: [ComponentResult]
    ) {
        self.combinedStandardUncertainty = combinedStandardUncertainty
        self.effectiveDegreesOfFreedom = effectiveDegreesOfFreedom
        self.coverageFactor = coverageFactor
        self.coverageProbability = coverageProbability
        self.expandedUncertainty = expandedUncertainty
        self.components = components
    }

    /// The degrees of freedom k was looked up at: ν_eff truncated (at least 1), or `.infinity`.
    public var degreesOfFreedomForCoverage: Double {
        CoverageFactor.truncatedDegreesOfFreedom(effectiveDegreesOfFreedom)
    }

    private enum CodingKeys: String, CodingKey {
        case combinedStandardUncertainty, effectiveDegreesOfFreedom, coverageFactor, coverageProbability
        case expandedUncertainty, components
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        combinedStandardUncertainty = try container.decode(Double.self, forKey: .combinedStandardUncertainty)
        effectiveDegreesOfFreedom = try container.decodeIfPresent(Double.self, forKey: .effectiveDegreesOfFreedom) ?? .infinity
        coverageFactor = try container.decode(Double.self, forKey: .coverageFactor)
        coverageProbability = try container.decode(Double.self, forKey: .coverageProbability)
        expandedUncertainty = try container.decode(Double.self, forKey: .expandedUncertainty)
        components = try container.decode([ComponentResult].self, forKey: .components)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(combinedStandardUncertainty, forKey: .combinedStandardUncertainty)
        try container.encodeFiniteOrNull(effectiveDegreesOfFreedom, forKey: .effectiveDegreesOfFreedom)
        try container.encode(coverageFactor, forKey: .coverageFactor)
        try container.encode(coverageProbability, forKey: .coverageProbability)
        try container.encode(expandedUncertainty, forKey: .expandedUncertainty)
        try container.encode(components, forKey: .components)
    }
}
