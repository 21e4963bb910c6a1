/// A validated uncertainty budget for a single measurand with uncorrelated inputs, ready to evaluate (GUM 5.1).
public struct UncertaintyBudget: Sendable, Equatable {
    /// Coverage probability p for the expanded uncertainty, in (0, 1).
    public var coverageProbability: Double
    /// The input quantities.
    public var components: [UncertaintyComponent]

    public init(coverageProbability: Double = BudgetRequest.defaultCoverageProbability, components: [UncertaintyComponent]) {
        self.coverageProbability = coverageProbability
        self.components = components
    }

    /// Combines the components (GUM 5.1.2), finds ν_eff (Welch–Satterthwaite, GUM G.4.1), the coverage factor
    /// (Student's t at the truncated ν_eff, GUM G.4.1 note 1) and the expanded uncertainty U = k·u_c (GUM 6.2.1).
    /// A coverage probability outside (0, 1), possible only when built directly, yields a NaN coverage factor.
    public func evaluate() -> BudgetResult {
        let contributions = components.map(\.contribution)
        let combined = WelchSatterthwaite.combinedStandardUncertainty(contributions: contributions)
        let effective = WelchSatterthwaite.effectiveDegreesOfFreedom(
            contributions: contributions,
            degreesOfFreedom: components.map(\.degreesOfFreedom)
        )
        let coverageFactor = CoverageFactor.value(coverageProbability: coverageProbability, effectiveDegreesOfFreedom: effective)
        return BudgetResult(
            combinedStandardUncertainty: combined,
            effectiveDegreesOfFreedom: effective,
            coverageFactor: coverageFactor,
            coverageProbability: coverageProbability,
            expandedUncertainty: coverageFactor * combined,
            components: components.map { component in
                ComponentResult(
                    name: component.name,
                    standardUncertainty: component.standardUncertainty,
                    sensitivityCoefficient: component.sensitivityCoefficient,
                    contribution: component.contribution,
                    degreesOfFreedom: component.degreesOfFreedom
                )
            }
        )
    }
}
