import Foundation
import Hummingbird
import HummingbirdTesting
import LIMSCore
import NIOCore

/// A thin JSON client over Hummingbird's test client, so tests read as requests and assertions.
public struct TestAPI: Sendable {
    let client: any TestClientProtocol

    public init(client: any TestClientProtocol) {
        self.client = client
    }

    public func request(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> APIResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return APIResponse(status: response.status, headers: response.headers, body: response.body)
    }

    public func get(_ path: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> APIResponse {
        try await request(.get, path, token: token, headers: headers)
    }

    public func post(_ path: String, token: String? = nil, json: [String: JSONValue]? = nil, headers: HTTPFields = [:]) async throws -> APIResponse {
        try await request(.post, path, token: token, headers: headers, body: json.map { Self.encode(.object($0)) })
    }

    public func put(_ path: String, token: String? = nil, json: [String: JSONValue], headers: HTTPFields = [:]) async throws -> APIResponse {
        try await request(.put, path, token: token, headers: headers, body: Self.encode(.object(json)))
    }

    public func delete(_ path: String, token: String? = nil) async throws -> APIResponse {
        try await request(.delete, path, token: token)
    }

    /// Reads `path` until it answers `status` or `seconds` pass, and returns the last answer. For probes such as
    /// `/ready` whose short database deadline a loaded two-core machine can overrun once; the test still fails
    /// if the probe never gets there.
    public func poll(_ path: String, until status: HTTPResponse.Status, within seconds: Double = 30) async throws -> APIResponse {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let response = try await get(path)
            if response.status == status || Date() >= deadline { return response }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Signs in and returns the session token.
    public func login(email: String, password: String) async throws -> String {
        let response = try await post("/v1/auth/login", json: ["email": .string(email), "password": .string(password)])
        try response.expect(.ok)
        return try response.string("token")
    }

    public static func encode(_ value: JSONValue) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONValue.encoder.encode(value)) ?? Data())
    }
}

/// A response with JSON helpers that fail the test with the body in the message.
public struct APIResponse: Sendable {
    public let status: HTTPResponse.Status
    public let headers: HTTPFields
    public let body: ByteBuffer

    public var text: String { String(buffer: body) }

    public var json: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body))) ?? .null
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public func expect(_ expected: HTTPResponse.Status, file: StaticString = #filePath, line: UInt = #line) throws {
        guard status == expected else { throw Failure(description: "expected \(expected.code), got \(status.code): \(text)") }
    }

    public func value(_ path: String) -> JSONValue? {
        var current: JSONValue? = json
        for part in path.split(separator: ".") {
            if let index = Int(part), case .array(let array)? = current {
                current = index < array.count ? array[index] : nil
            } else {
                current = current?[String(part)]
            }
        }
        return current
    }

    public func string(_ path: String) throws -> String {
        guard case .string(let value)? = value(path) else { throw Failure(description: "no string at \(path) in \(text)") }
        return value
    }

    public func number(_ path: String) throws -> Double {
        guard case .number(let value)? = value(path) else { throw Failure(description: "no number at \(path) in \(text)") }
        return value
    }

    public func uuid(_ path: String) throws -> UUID {
        guard let id = UUID(uuidString: try string(path)) else { throw Failure(description: "no UUID at \(path) in \(text)") }
        return id
    }

    public func array(_ path: String) throws -> [JSONValue] {
        guard case .array(let value)? = value(path) else { throw Failure(description: "no array at \(path) in \(text)") }
        return value
    }

    /// The `field` of every entry of a problem document's `errors`.
    public var problemFields: [String] {
        guard case .array(let errors)? = json["errors"] else { return [] }
        return errors.compactMap { $0["field"]?.stringValue }
    }
}

extension APIResponse {
    /// The document headers (`DocumentHeaders`) this response lacks or carries with another value: empty for a
    /// properly served certificate, label, invoice, credit note or export.
    public var missingDocumentHeaders: [String] {
        DocumentHeaders.all.compactMap { name, value in headers[name] == value ? nil : "\(name): \(headers[name] ?? "absent")" }
    }
}
