/// One row of an evaluated budget table: what a component contributes to the combined standard uncertainty.
public struct ComponentResult: Sendable, Equatable, Codable {
    public var name: String
    /// u(xᵢ), in the input quantity's unit.
    public var standardUncertainty: Double
    /// cᵢ.
    public var sensitivityCoefficient: Double
    /// |cᵢ·u(xᵢ)|, in the result's unit.
    public var contribution: Double
    /// νᵢ; `.infinity` when exactly known, encoded as JSON `null` because JSON has no infinity.
    public var degreesOfFreedom: Double

    public init(name: String, standardUncertainty: Double, sensitivityCoefficient: Double, contribution: Double, degreesOfFreedom: Double) {
        self.name = name
        self.standardUncertainty = standardUncertainty
        self.sensitivityCoefficient = sensitivityCoefficient
        self.contribution = contribution
        self.degreesOfFreedom = degreesOfFreedom
    }

    private enum CodingKeys: String, CodingKey {
        case name, standardUncertainty, sensitivityCoefficient, contribution, degreesOfFreedom
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        standardUncertainty = try container.decode(Double.self, forKey: .standardUncertainty)
        sensitivityCoefficient = try container.decode(Double.self, forKey: .sensitivityCoefficient)
        contribution = try container.decode(Double.self, forKey: .contribution)
        degreesOfFreedom = try container.decodeIfPresent(Double.self, forKey: .degreesOfFreedom) ?? .infinity
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(standardUncertainty, forKey: .standardUncertainty)
        try container.encode(sensitivityCoefficient, forKey: .sensitivityCoefficient)
        try container.encode(contribution, forKey: .contribution)
        try container.encodeFiniteOrNull(degreesOfFreedom, forKey: .degreesOfFreedom)
    }
}

extension KeyedEncodingContainer {
    /// Writes `value`, or an explicit `null` when it is infinite or NaN, which JSON cannot carry.
    mutating func encodeFiniteOrNull(_ value: Double, forKey key: Key) throws {
        if value.isFinite {
            try encode(value, forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }
}
