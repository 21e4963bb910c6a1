/// One validated input quantity of an uncertainty budget: where its standard uncertainty comes from, how strongly it
/// propagates to the result, and how reliable it is.
///
/// Build it through ``BudgetRequest/validated()`` for untrusted input; the memberwise initialiser trusts its caller
/// (finite, non-negative values; positive degrees of freedom, `.infinity` when unknown).
public struct UncertaintyComponent: Sendable, Equatable {
    /// Where the standard uncertainty u(xᵢ) comes from.
    public enum Source: Sendable, Equatable {
        /// Already a standard uncertainty.
        case standardUncertainty(Double)
        /// Repeated readings: u = s/√n (Type A).
        case readings(ReadingStatistics)
        /// Limits ±a with an assumed distribution: u = a/divisor.
        case halfWidth(Double, Distribution)
        /// An expanded uncertainty U quoted with coverage factor k, e.g. from a certificate: u = U/k.
        case expandedUncertainty(Double, coverageFactor: Double)
    }

    /// Label shown in the budget table.
    public var name: String
    /// Type A or Type B evaluation.
    public var type: ComponentType
    /// cᵢ = ∂f/∂xᵢ, the factor by which this input's uncertainty reaches the result (may be negative).
    public var sensitivityCoefficient: Double
    /// νᵢ; `.infinity` when the uncertainty is taken as exactly known (GUM G.4.2).
    public var degreesOfFreedom: Double
    /// Where the standard uncertainty comes from.
    public var source: Source

    public init(
        name: String,
        type: ComponentType,
        sensitivityCoefficient: Double = 1,
        degreesOfFreedom: Double = .infinity,
        source: Source
    ) {
        self.name = name
        self.type = type
        self.sensitivityCoefficient = sensitivityCoefficient
        self.degreesOfFreedom = degreesOfFreedom
        self.source = source
    }

    /// The standard uncertainty u(xᵢ), in the input quantity's unit.
    public var standardUncertainty: Double {
        switch source {
        case .standardUncertainty(let value): value
        case .readings(let statistics): statistics.standardUncertainty
        case .halfWidth(let halfWidth, let distribution): distribution.standardUncertainty(halfWidth: halfWidth)
        case .expandedUncertainty(let expanded, let coverageFactor): expanded / coverageFactor
        }
    }

    /// |cᵢ·u(xᵢ)|, the contribution uᵢ(y) to the combined standard uncertainty, in the result's unit.
    public var contribution: Double {
        abs(sensitivityCoefficient * standardUncertainty)
    }
}
