import Foundation
import NIOSSL
import PostgresNIO

/// TLS for a TCP database connection, as libpq's `sslmode` and `sslrootcert` URL parameters say.
///
/// `disable` never uses TLS; `allow` and `prefer` use it when the server offers it, unverified; `require` insists
/// on it (unverified, unless `sslrootcert` is given: then the chain is checked, as libpq does); `verify-ca` checks
/// the server's chain against `sslrootcert` (or the system's trust store); `verify-full` also checks the host name.
/// Unix-socket connections are local and never use TLS.
public struct DatabaseTLS: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case disable
        case allow
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var mode: Mode
    /// A PEM file of the certificate authorities to trust; nil means the system's trust store.
    public var rootCertificatePath: String?

    public init(mode: Mode, rootCertificatePath: String? = nil) {
        self.mode = mode
        self.rootCertificatePath = rootCertificatePath
    }

    /// libpq's default for a TCP connection.
    public static let `default` = DatabaseTLS(mode: .prefer)

    /// Reads `sslmode` and `sslrootcert`; an unknown mode or an unreadable CA file is an error, found at start-up.
    public init(sslmode: String?, sslrootcert: String?) throws(DatabaseURLError) {
        let mode: Mode
        if let sslmode, !sslmode.isEmpty {
            guard let known = Mode(rawValue: sslmode) else { throw .unknownSSLMode(sslmode) }
            mode = known
        } else {
            mode = Self.default.mode
        }
        var path = sslrootcert.flatMap { $0.isEmpty || $0 == "system" ? nil : $0 }
        if let file = path {
            path = URL(fileURLWithPath: file).standardizedFileURL.path
            do {
                guard try !NIOSSLCertificate.fromPEMFile(file).isEmpty else { throw DatabaseURLError.unreadableRootCertificate(file) }
            } catch {
                throw .unreadableRootCertificate(file)
            }
        }
        self.init(mode: mode, rootCertificatePath: path)
    }

    /// Whether the connection fails when the server does not speak TLS.
    public var isEnforced: Bool { [.require, .verifyCA, .verifyFull].contains(mode) }

    /// How the server's certificate is checked; nil when TLS is never attempted.
    public var certificateVerification: CertificateVerification? {
        switch mode {
        case .disable: nil
        case .allow, .prefer: CertificateVerification.none
        case .require: rootCertificatePath == nil ? CertificateVerification.none : .noHostnameVerification
        case .verifyCA: .noHostnameVerification
        case .verifyFull: .fullVerification
        }
    }

    /// The NIOSSL client configuration, or nil when TLS is never attempted.
    public var tlsConfiguration: TLSConfiguration? {
        guard let verification = certificateVerification else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verification
        if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        return configuration
    }

    /// For the pooled client.
    public var clientTLS: PostgresClient.Configuration.TLS {
        guard let configuration = tlsConfiguration else { return .disable }
        return isEnforced ? .require(configuration) : .prefer(configuration)
    }

    /// For a single connection (administrative work, migrations).
    public func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let configuration = tlsConfiguration else { return .disable }
        let context = try NIOSSLContext(configuration: configuration)
        return isEnforced ? .require(context) : .prefer(context)
    }

    /// The URL query that states this, for printing (empty for the default).
    var queryText: String {
        guard self != .default else { return "" }
        return "sslmode=\(mode.rawValue)" + (rootCertificatePath.map { "&sslrootcert=\($0)" } ?? "")
    }
}

/// Why a database URL was refused at start-up.
public enum DatabaseURLError: Error, Equatable, CustomStringConvertible {
    case notAPostgresURL
    case unknownSSLMode(String)
    case unreadableRootCertificate(String)

    public var description: String {
        switch self {
        case .notAPostgresURL:
            "is not a postgres:// URL (postgres://user:password@host:port/database, or postgresql://user@/database?host=/socket/dir)"
        case .unknownSSLMode(let mode):
            "has sslmode=\(mode), which is not one of \(DatabaseTLS.Mode.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unreadableRootCertificate(let path):
            "has sslrootcert=\(path), which is not a readable PEM file of certificates"
        }
    }
}
