import Foundation

/// The body of `PATCH /v1/instruments/{id}`: a field left out stays as it is, `null` clears it.
public struct InstrumentChange: Decodable, Sendable {
    /// What to do with one field.
    public enum Edit<Value: Sendable & Equatable>: Sendable, Equatable {
        case keep
        case clear
        case set(Value)

        var value: Value? {
            if case .set(let value) = self { return value }
            return nil
        }

        var changes: Bool { self != .keep }
    }

    public var assetTag: Edit<String>
    public var location: Edit<String>
    /// An interval agreed with the customer: after a calibration, the instrument falls due that many months on.
    public var calibrationIntervalMonths: Edit<Int>

    public init(assetTag: Edit<String> = .keep, location: Edit<String> = .keep, calibrationIntervalMonths: Edit<Int> = .keep) {
        self.assetTag = assetTag
        self.location = location
        self.calibrationIntervalMonths = calibrationIntervalMonths
    }

    enum CodingKeys: String, CodingKey {
        case assetTag, location, calibrationIntervalMonths
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func edit<Value: Decodable & Sendable & Equatable>(_ key: CodingKeys, as type: Value.Type) throws -> Edit<Value> {
            guard container.contains(key) else { return .keep }
            if try container.decodeNil(forKey: key) { return .clear }
            return .set(try container.decode(Value.self, forKey: key))
        }
        assetTag = try edit(.assetTag, as: String.self)
        location = try edit(.location, as: String.self)
        calibrationIntervalMonths = try edit(.calibrationIntervalMonths, as: Int.self)
    }
}
