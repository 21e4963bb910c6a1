@preconcurrency import Crypto
import Foundation

/// The lab's Ed25519 signing key. It lives in a file outside the database (mode 0600), is created once by
/// `lims keys init`, and never enters a response or a log; only its public half is published.
public struct SigningKey: @unchecked Sendable {
    // The key type is an immutable value wrapper without a Sendable annotation.
    let privateKey: Curve25519.Signing.PrivateKey

    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// Creates a new key file; refuses to overwrite an existing one (certificates signed with it must stay verifiable).
    @discardableResult
    public static func create(at url: URL) throws -> SigningKey {
        if FileManager.default.fileExists(atPath: url.path) {
            throw SigningKeyError.exists(url.path)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = Curve25519.Signing.PrivateKey()
        let text = "-----BEGIN CALIBRA ED25519 PRIVATE KEY-----\n\(key.rawRepresentation.base64EncodedString())\n-----END CALIBRA ED25519 PRIVATE KEY-----\n"
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SigningKeyError.unreadable(url.path)
        }
        return SigningKey(privateKey: key)
    }

    /// Loads the key, or nil when none was created (the server then refuses to sign).
    public static func load(from url: URL) throws -> SigningKey? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let body = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let raw = Data(base64Encoded: body), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SigningKeyError.unreadable(url.path)
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
    case unreadable(String)

    public var description: String {
        switch self {
        case .exists(let path): "A signing key already exists at \(path); it is never overwritten."
        case .unreadable(let path): "The signing key at \(path) cannot be read."
        }
    }
}

extension Digest {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
