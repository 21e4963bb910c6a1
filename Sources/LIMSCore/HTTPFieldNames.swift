import HTTPTypes

extension HTTPField.Name {
    /// The request id every response carries and every log line and audit event records.
    public static let requestId = HTTPField.Name("X-Request-Id")!
    /// Tells a client that a response is the stored answer to an earlier request with the same key.
    public static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
