import Crypto
import Foundation

/// An endpoint's signing secret: 32 random bytes, shown to the customer once as `whsec_` + base64.
public struct WebhookSecret: Sendable, Equatable {
    public let bytes: Data

    public init(bytes: Data) {
        self.bytes = bytes
    }

    public static func generate() -> WebhookSecret {
        WebhookSecret(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The form shown to the customer (and the one Standard Webhooks libraries take).
    public var text: String { "whsec_" + bytes.base64EncodedString() }

    public init?(text: String) {
        guard text.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(text.dropFirst(6))), !bytes.isEmpty else { return nil }
        self.bytes = bytes
    }

    /// `v1,` + base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`, as Standard Webhooks 1.0 signs a message.
    public func signature(id: String, timestamp: Int64, body: some DataProtocol) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: bytes))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The reference verifier's check: some `v1,` signature in the space-separated header matches, compared in constant
    /// time, and the timestamp is within `tolerance` of now.
    public func verify(id: String, timestamp: String, signatureHeader: String, body: some DataProtocol, now: Date = Date(), tolerance: TimeInterval = 300)
        -> Bool
    {
        guard let seconds = Int64(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { return false }
        var content = Data("\(id).\(seconds).".utf8)
        content.append(contentsOf: body)
        let key = SymmetricKey(data: bytes)
        for candidate in signatureHeader.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            // HMAC.isValidAuthenticationCode compares in constant time.
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: content, using: key) { return true }
        }
        return false
    }
}
