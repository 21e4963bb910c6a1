import Foundation
import PostgresNIO

/// A value encoded to JSON once, by ``JSONValue/encoder`` (sorted keys, RFC 3339 dates), and kept as bytes.
///
/// Audit images, event payloads and stored documents are bound to `jsonb` from these bytes, and a handler that sends the
/// same JSON as its response sends the very same bytes: no ``JSONValue`` tree in between, no second encoding.
public struct EncodedJSON: Sendable, Equatable {
    /// UTF-8 JSON text.
    public let bytes: [UInt8]

    /// Wraps bytes that already hold one JSON value.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Encodes `value` once.
    public init(encoding value: some Encodable) throws {
        self.bytes = Array(try JSONValue.encoder.encode(value))
    }
}

/// Bound as `jsonb` in PostgreSQL's binary format: a version byte (1), then the JSON text as is.
extension EncodedJSON: PostgresNonThrowingEncodable {
    public static var psqlType: PostgresDataType { .jsonb }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(UInt8(1))
        byteBuffer.writeBytes(bytes)
    }
}
