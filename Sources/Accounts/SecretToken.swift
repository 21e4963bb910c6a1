import Crypto
import Foundation
import Hummingbird

/// Opaque bearer secrets (session tokens, API keys): 256 random bits, shown once, stored only as SHA-256.
public enum SecretToken {
    public static let sessionPrefix = "cst_"
    public static let apiKeyPrefix = "ck_"

    /// A new random secret, base64url without padding, behind `prefix`.
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// The only form in which a secret is stored.
    public static func hash(_ secret: String) -> ByteBuffer {
        ByteBuffer(bytes: SHA256.hash(data: Data(secret.utf8)))
    }
}
