@preconcurrency import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The AES-256-GCM key that seals endpoint secrets at rest. Like the signing key it lives in a file outside the database
/// (`webhook-key.pem` beside the signing key, mode 0600 in a 0700 folder), made by `lims keys init`; a database dump alone
/// reveals no secret. Each sealed secret is bound to its endpoint's id, so sealed values cannot be swapped between rows.
public struct WebhookKey: @unchecked Sendable {
    // SymmetricKey is an immutable value wrapper without a Sendable annotation (as SigningKey's key type).

    let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    static let header = "-----BEGIN CALIBRA WEBHOOK KEY-----"
    static let footer = "-----END CALIBRA WEBHOOK KEY-----"

    /// The key's file beside the signing key's.
    public static func path(besideSigningKey signingKey: URL) -> URL {
        signingKey.deletingLastPathComponent().appendingPathComponent("webhook-key.pem")
    }

    /// Creates the key file; refuses to overwrite one (the secrets sealed under it would be lost).
    @discardableResult
    public static func create(at url: URL) throws -> WebhookKey {
        let folder = url.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            if mkdir(folder.path, 0o700) != 0, errno != EEXIST { throw WebhookKeyError.cannotCreate(url.path, String(cString: strerror(errno))) }
        }
        try checkFolder(folder)
        let key = SymmetricKey(size: .bits256)
        let text = "\(header)\n\(key.withUnsafeBytes { Data($0) }.base64EncodedString())\n\(footer)\n"
        let descriptor = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        guard descriptor >= 0 else {
            if errno == EEXIST { throw WebhookKeyError.exists(url.path) }
            throw WebhookKeyError.cannotCreate(url.path, String(cString: strerror(errno)))
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            unlink(url.path)
            throw WebhookKeyError.cannotCreate(url.path, "short write")
        }
        return WebhookKey(key: key)
    }

    /// The key, or nil when none was made (webhook endpoints then cannot be created: 503). Throws, naming the file,
    /// when it exists but is unreadable or invalid, or its folder is writable by others.
    public static func load(from url: URL) throws -> WebhookKey? {
        try checkFolder(url.deletingLastPathComponent())
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw WebhookKeyError.unreadable(url.path) }
        let body = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let raw = Data(base64Encoded: body), raw.count == 32 else { throw WebhookKeyError.invalid(url.path) }
        return WebhookKey(key: SymmetricKey(data: raw))
    }

    /// The key at `url`, made first when there is none.
    public static func loadOrCreate(at url: URL) throws -> WebhookKey {
        if let key = try load(from: url) { return key }
        do { return try create(at: url) } catch WebhookKeyError.exists { return try load(from: url)! }
    }

    static func checkFolder(_ folder: URL) throws {
        var info = stat()
        guard stat(folder.path, &info) == 0 else { return }
        if info.st_mode & 0o022 != 0 { throw WebhookKeyError.unsafeFolder(folder.path) }
    }

    func seal(_ secret: WebhookSecret, endpointId: UUID) throws -> Data {
        guard let combined = try AES.GCM.seal(secret.bytes, using: key, authenticating: Self.binding(endpointId)).combined else {
            throw WebhookKeyError.invalid("sealed secret")
        }
        return combined
    }

    func unseal(_ sealed: Data, endpointId: UUID) throws -> WebhookSecret {
        WebhookSecret(bytes: try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Self.binding(endpointId)))
    }

    static func binding(_ id: UUID) -> Data { Data("calibra-webhook-secret:\(id.uuidString.lowercased())".utf8) }
}

public enum WebhookKeyError: Error, CustomStringConvertible {
    case exists(String)
    case unreadable(String)
    case invalid(String)
    case unsafeFolder(String)
    case cannotCreate(String, String)

    public var description: String {
        switch self {
        case .exists(let path): "A webhook key already exists at \(path); it is never overwritten."
        case .unreadable(let path): "The webhook key at \(path) cannot be read. Fix its owner or mode."
        case .invalid(let path): "The file at \(path) does not hold a Calibra webhook key. Restore the lab's key from its backup."
        case .unsafeFolder(let path): "The key folder \(path) may be written by others: make it private to the server's user (chmod 700 \(path))."
        case .cannotCreate(let path, let reason): "Cannot create the webhook key file \(path) (\(reason))."
        }
    }
}
