import Foundation

/// A value read from the database that the code does not know (e.g. a role or status written by a newer
/// version, or by hand). It is a server fault: ``ProblemMiddleware`` logs it at error level with the table,
/// column and value, and answers an opaque 500. It is never replaced by a default.
public struct StoredValueError: Error, Sendable, CustomStringConvertible {
    public var table: String
    public var column: String
    public var value: String
    /// The Swift type the value should have decoded as.
    public var type: String

    public init(table: String, column: String, value: String, type: String) {
        self.table = table
        self.column = column
        self.value = value
        self.type = type
    }

    public var description: String { "Unknown \(type) value '\(value)' in \(table).\(column)" }
}

/// Strict decoding of stored enum values: the one place that turns raw column text into an enum.
public enum StoredValue {
    /// The enum case stored as `raw` in `table.column`; throws ``StoredValueError`` for an unknown value.
    public static func decode<Value: RawRepresentable>(
        _ type: Value.Type, _ raw: Value.RawValue, table: String, column: String
    ) throws -> Value {
        guard let value = Value(rawValue: raw) else {
            throw StoredValueError(table: table, column: column, value: String(describing: raw), type: String(describing: type))
        }
        return value
    }

    /// Every element of a stored array column (e.g. `staff_users.roles`); one unknown element fails them all.
    public static func decode<Value: RawRepresentable>(
        _ type: Value.Type, _ raws: [Value.RawValue], table: String, column: String
    ) throws -> [Value] {
        try raws.map { try decode(type, $0, table: table, column: column) }
    }

    /// A nullable stored value: `nil` stays `nil`, anything else decodes strictly.
    public static func decodeIfPresent<Value: RawRepresentable>(
        _ type: Value.Type, _ raw: Value.RawValue?, table: String, column: String
    ) throws -> Value? {
        try raw.map { try decode(type, $0, table: table, column: column) }
    }
}
