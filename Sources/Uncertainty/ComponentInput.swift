/// One component of a ``BudgetRequest`` exactly as a client sent it.
///
/// Every field is optional and `type`/`distribution` are plain strings so that a malformed component still decodes
/// and ``BudgetRequest/validate()`` can name all its problems at once instead of failing on the first.
/// Exactly one value source must be given: `standardUncertainty`, `readings`, `halfWidth` (with `distribution`) or
/// `expandedUncertainty` (with `coverageFactor`).
public struct ComponentInput: Sendable, Equatable, Codable {
    public var name: String?
    /// `"A"` or `"B"`.
    public var type: String?
    /// Defaults to 1.
    public var sensitivityCoefficient: Double?
    /// Missing means infinite (exactly known).
    public var degreesOfFreedom: Double?
    public var standardUncertainty: Double?
    /// Decimal strings, parsed exactly.
    public var readings: [String]?
    public var halfWidth: Double?
    /// `"rectangular"`, `"triangular"`, `"u-shaped"` or `"normal"`.
    public var distribution: String?
    public var expandedUncertainty: Double?
    /// Divisor for `expandedUncertainty` or a `normal` half-width.
    public var coverageFactor: Double?
    /// Indices of readings that arrived as something other than a JSON string (numbers lose exactness in transit),
    /// remembered so validation can name them; never encoded.
    var nonStringReadings: [Int] = []

    private enum CodingKeys: String, CodingKey {
        case name, type, sensitivityCoefficient, degreesOfFreedom, standardUncertainty, readings, halfWidth
        case distribution, expandedUncertainty, coverageFactor
    }

    public init(
        name: String? = nil,
        type: String? = nil,
        sensitivityCoefficient: Double? = nil,
        degreesOfFreedom: Double? = nil,
        standardUncertainty: Double? = nil,
        readings: [String]? = nil,
        halfWidth: Double? = nil,
        distribution: String? = nil,
        expandedUncertainty: Double? = nil,
        coverageFactor: Double? = nil
    ) {
        self.name = name
        self.type = type
        self.sensitivityCoefficient = sensitivityCoefficient
        self.degreesOfFreedom = degreesOfFreedom
        self.standardUncertainty = standardUncertainty
        self.readings = readings
        self.halfWidth = halfWidth
        self.distribution = distribution
        self.expandedUncertainty = expandedUncertainty
        self.coverageFactor = coverageFactor
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        sensitivityCoefficient = try container.decodeIfPresent(Double.self, forKey: .sensitivityCoefficient)
        degreesOfFreedom = try container.decodeIfPresent(Double.self, forKey: .degreesOfFreedom)
        standardUncertainty = try container.decodeIfPresent(Double.self, forKey: .standardUncertainty)
        halfWidth = try container.decodeIfPresent(Double.self, forKey: .halfWidth)
        distribution = try container.decodeIfPresent(String.self, forKey: .distribution)
        expandedUncertainty = try container.decodeIfPresent(Double.self, forKey: .expandedUncertainty)
        coverageFactor = try container.decodeIfPresent(Double.self, forKey: .coverageFactor)
        if container.contains(.readings), try !container.decodeNil(forKey: .readings) {
            var list = try container.nestedUnkeyedContainer(forKey: .readings)
            var readings: [String] = []
            while !list.isAtEnd {
                if let text = try? list.decode(String.self) {
                    readings.append(text)
                } else {
                    // Keep the slot so later indices still match the client's array, and remember to report it.
                    nonStringReadings.append(readings.count)
                    readings.append("")
                    // Should a decoder refuse even that, stop rather than loop on an element it will not skip.
                    guard (try? list.decode(JSONAnything.self)) != nil else { break }
                }
            }
            self.readings = readings
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encodeIfPresent(sensitivityCoefficient, forKey: .sensitivityCoefficient)
        try container.encodeIfPresent(degreesOfFreedom, forKey: .degreesOfFreedom)
        try container.encodeIfPresent(standardUncertainty, forKey: .standardUncertainty)
        try container.encodeIfPresent(readings, forKey: .readings)
        try container.encodeIfPresent(halfWidth, forKey: .halfWidth)
        try container.encodeIfPresent(distribution, forKey: .distribution)
        try container.encodeIfPresent(expandedUncertainty, forKey: .expandedUncertainty)
        try container.encodeIfPresent(coverageFactor, forKey: .coverageFactor)
    }
}

/// Consumes any one JSON value so an unkeyed container can move past an element of an unexpected type.
private struct JSONAnything: Decodable {
    init(from decoder: any Decoder) throws {}
}
