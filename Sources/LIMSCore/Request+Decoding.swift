import Hummingbird

extension Request {
    /// Decodes a JSON body that may be absent altogether (an empty body gives `nil`, malformed JSON a 400).
    public func decodeIfPresent<T: Decodable>(as type: T.Type, context: some RequestContext) async throws -> T? {
        var request = self
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return try await request.decode(as: type, context: context)
    }
}

extension Request {
    /// The query string as a plain dictionary (the last value wins for a repeated key).
    public var query: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in uri.queryParameters {
            result[String(key)] = String(value)
        }
        return result
    }
}
