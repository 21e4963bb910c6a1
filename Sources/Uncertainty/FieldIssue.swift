/// One offending field of a request, named by its JSON path (`components[0].readings[2]`).
///
/// It mirrors the shape of the server's own `FieldIssue` so a controller can map one onto the other field by
/// field; this module defines its own because it has no dependencies.
public struct FieldIssue: Sendable, Equatable, Codable {
    /// JSON path of the offending field, e.g. `components[1].distribution`.
    public var field: String
    /// What is wrong, phrased to follow the field name (`"must be greater than zero"`).
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
