import Foundation

/// Deadlines and a connection cap that keep slow or idle clients from holding the server's connections
/// (slow-loris): how long a client may take to send a request's headers and its body, how long a kept-alive
/// connection may sit idle, and how many connections may be open at once.
public struct HTTPLimits: Sendable, Equatable {
    /// From the first byte of a request to the end of its headers.
    public var headerTimeout: Duration
    /// From the end of a request's headers to the end of its body.
    public var bodyTimeout: Duration
    /// How long a connection may wait, with no request in progress, for the next request's first byte.
    public var idleTimeout: Duration
    /// Open connections at most; one more is closed as soon as it is accepted.
    public var maxConnections: Int

    public init(
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 1024
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The defaults overridden by `LIMS_HTTP_HEADER_TIMEOUT`, `LIMS_HTTP_BODY_TIMEOUT`, `LIMS_HTTP_IDLE_TIMEOUT`
    /// (seconds, decimals allowed) and `LIMS_MAX_CONNECTIONS`; a value that is not a positive number is refused.
    public init(environment: [String: String]) throws {
        self.init()
        func seconds(_ name: String) throws -> Duration? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let value = Double(raw), value.isFinite, value > 0, value <= 86_400 else {
                throw HTTPLimitsError(description: "\(name) must be a number of seconds above 0 and at most 86400, not \"\(raw)\".")
            }
            return .milliseconds(Int64((value * 1000).rounded()))
        }
        if let value = try seconds("LIMS_HTTP_HEADER_TIMEOUT") { headerTimeout = value }
        if let value = try seconds("LIMS_HTTP_BODY_TIMEOUT") { bodyTimeout = value }
        if let value = try seconds("LIMS_HTTP_IDLE_TIMEOUT") { idleTimeout = value }
        if let raw = environment["LIMS_MAX_CONNECTIONS"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let value = Int(raw), value >= 1 else {
                throw HTTPLimitsError(description: "LIMS_MAX_CONNECTIONS must be a whole number of at least 1, not \"\(raw)\".")
            }
            maxConnections = value
        }
    }
}

/// A setting of `HTTPLimits` that cannot be used; the message names the variable.
public struct HTTPLimitsError: Error, CustomStringConvertible {
    public let description: String
}
