@preconcurrency import Crypto
import Foundation

/// The lab's Ed25519 signing key. It lives in a file outside the database, is created once by `lims keys init`
/// (mode 0600 from the first moment, inside a 0700 folder), is read once when the server starts, and never enters
/// a response or a log; only its public half is published.
public struct SigningKey: @unchecked Sendable {
    // The key type is an immutable value wrapper without a Sendable annotation.
    let privateKey: Curve25519.Signing.PrivateKey

    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// Creates a new key file; refuses to overwrite an existing one (certificates signed with it must stay verifiable)
    /// and refuses a key folder that others may write to.
    @discardableResult
    public static func create(at url: URL) throws -> SigningKey {
        try KeyFile.prepareFolder(url.deletingLastPathComponent())
        let key = Curve25519.Signing.PrivateKey()
        let text = "-----BEGIN CALIBRA ED25519 PRIVATE KEY-----\n\(key.rawRepresentation.base64EncodedString())\n-----END CALIBRA ED25519 PRIVATE KEY-----\n"
        try KeyFile.createExclusive(at: url, contents: Data(text.utf8))
        return SigningKey(privateKey: key)
    }

    /// Loads and checks the key, or nil when none was created (the server then refuses to sign with 503).
    /// Throws, with a message naming the file, when the key folder is writable by others, or the file exists but
    /// cannot be read or holds no valid key: the server must not start half-configured.
    public static func load(from url: URL) throws -> SigningKey? {
        try KeyFile.checkFolder(url.deletingLastPathComponent())
        guard let data = try KeyFile.contents(of: url) else { return nil }
        let body = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let raw = Data(base64Encoded: body), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SigningKeyError.invalid(url.path)
        }
        return SigningKey(privateKey: key)
    }

    /// Ed25519 signature over the 32 bytes of a SHA-256 digest given in hex, base64-encoded.
    public func sign(digestHex: String) throws -> String {
        try privateKey.signature(for: Self.bytes(hex: digestHex)).base64EncodedString()
    }

    public static func verify(signatureBase64: String, digestHex: String, publicKeyBase64: String) -> Bool {
        guard let signature = Data(base64Encoded: signatureBase64), let raw = Data(base64Encoded: publicKeyBase64),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return key.isValidSignature(signature, for: bytes(hex: digestHex))
    }

    static func bytes(hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            if let byte = UInt8(hex[index..<next], radix: 16) { data.append(byte) }
            index = next
        }
        return data
    }
}

public enum SigningKeyError: Error, CustomStringConvertible {
    case exists(String)
    case unreadable(String, reason: String)
    case invalid(String)
    case unsafeFolder(String, mode: Int)
    case cannotCreate(String, reason: String)

    public var description: String {
        switch self {
        case .exists(let path): "A signing key already exists at \(path); it is never overwritten."
        case .unreadable(let path, let reason): "The signing key at \(path) cannot be read (\(reason)). Fix its owner or mode, or move it away."
        case .invalid(let path): "The file at \(path) does not hold a Calibra Ed25519 signing key. Restore the lab's key from its backup."
        case .unsafeFolder(let path, let mode):
            "The key folder \(path) has mode \(String(mode, radix: 8)): others may write to it, so its keys cannot be trusted. "
                + "Make it private to the server's user (chmod 700 \(path)) and check the key in it."
        case .cannotCreate(let path, let reason): "Cannot create the key file \(path) (\(reason))."
        }
    }
}

extension Digest {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
