import Foundation
import LIMSServer
import LIMSTestSupport
import Logging
import PostgresNIO
import Testing

@Suite("Database URL: sslmode")
struct DatabaseTLSTests {
    /// A self-signed certificate for `localhost`, as a CA file for `sslrootcert`.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBmjCCAUGgAwIBAgIUW9N6mzKLFOoZpkNCRZKkU9eYrjMwCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMTIwMzMxM1oYDzIxMjYxMTA3
        MjAzMzEzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAATNV92hOqUFfZX14OWfXmj8tEzqfxDb7Bhfyn0iSc75XfTHsSJT1Ski
        l2HYS4afkOPdZuk/1qTZkYz5Pxf6WUsro28wbTAdBgNVHQ4EFgQUQh792z8d6QnJ
        D31NJ+BphSqU0r0wHwYDVR0jBBgwFoAUQh792z8d6QnJD31NJ+BphSqU0r0wDwYD
        VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
        zj0EAwIDRwAwRAIgUCwnmOLVpMZG04sSboTLjDEeQd89c3/L8FCUnhaTQscCIHlx
        Hi12f47kyDnVxoHktMi5vzNqxqgdK4ITVRozqErD
        -----END CERTIFICATE-----

        """

    /// Runs `body` with the certificate written to a file of its own.
    func withCAFile(_ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-ca-\(UUID().uuidString).pem").path
        try Self.certificate.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test func withoutSslmodeTCPPrefersTLSUnverifiedAsLibpqDoes() throws {
        let url = try DatabaseURL.parse("postgres://app:secret@db.example:5432/calibra")
        #expect(url.tls == nil)
        #expect(url.effectiveTLS.mode == .prefer)
        #expect(!url.effectiveTLS.isEnforced)
        #expect(url.effectiveTLS.certificateVerification == CertificateVerification.none)
        #expect(url.description == "postgresql://app@db.example:5432/calibra")
    }

    @Test func disableNeverAttemptsTLS() throws {
        let tls = try #require(try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=disable").tls)
        #expect(tls.mode == .disable)
        #expect(tls.tlsConfiguration == nil)
        #expect(tls.certificateVerification == nil)
        #expect(try tls.connectionTLS().isAllowed == false)
    }

    @Test func preferAndAllowTryTLSWithoutInsisting() throws {
        for mode in ["prefer", "allow"] {
            let tls = try #require(try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=\(mode)").tls)
            #expect(!tls.isEnforced)
            #expect(tls.certificateVerification == CertificateVerification.none)
            let connection = try tls.connectionTLS()
            #expect(connection.isAllowed && !connection.isEnforced)
        }
    }

    @Test func requireInsistsOnTLSAndVerifiesOnlyWithARootCertificate() throws {
        let plain = try #require(try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=require").tls)
        #expect(plain.isEnforced)
        #expect(plain.certificateVerification == CertificateVerification.none)
        #expect(try plain.connectionTLS().isEnforced)
        try withCAFile { ca in
            let pinned = try #require(try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=require&sslrootcert=\(ca)").tls)
            #expect(pinned.certificateVerification == .noHostnameVerification)
            #expect(pinned.tlsConfiguration?.trustRoots == .file(ca))
        }
    }

    @Test func verifyCAChecksTheChainAndVerifyFullAlsoTheHostName() throws {
        try withCAFile { ca in
            let chain = try #require(try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=verify-ca&sslrootcert=\(ca)").tls)
            #expect(chain.isEnforced)
            #expect(chain.certificateVerification == .noHostnameVerification)
            #expect(chain.tlsConfiguration?.trustRoots == .file(ca))
            let full = try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=verify-full&sslrootcert=\(ca)")
            let tls = try #require(full.tls)
            #expect(tls.isEnforced)
            #expect(tls.certificateVerification == .fullVerification)
            #expect(tls.tlsConfiguration?.trustRoots == .file(ca))
            #expect(try tls.connectionTLS().isEnforced)
            #expect(full.description == "postgresql://app@db.example:5432/calibra?sslmode=verify-full&sslrootcert=\(ca)")
        }
        // Without sslrootcert (or with libpq's `system`) the system's trust store decides.
        let system = try #require(try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=verify-full&sslrootcert=system").tls)
        #expect(system.rootCertificatePath == nil)
        #expect(system.tlsConfiguration?.trustRoots == .default)
        #expect(system.certificateVerification == .fullVerification)
    }

    @Test func anUnknownSslmodeIsAClearError() throws {
        #expect(throws: DatabaseURLError.unknownSSLMode("verify_full")) {
            try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=verify_full")
        }
        #expect(DatabaseURL("postgres://app@db.example/calibra?sslmode=on") == nil)
        #expect(DatabaseURLError.unknownSSLMode("on").description.contains("disable, allow, prefer, require, verify-ca, verify-full"))
    }

    @Test func anUnreadableRootCertificateIsAClearError() throws {
        let missing = "/nonexistent/calibra-ca.pem"
        #expect(throws: DatabaseURLError.unreadableRootCertificate(missing)) {
            try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=verify-full&sslrootcert=\(missing)")
        }
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-not-a-ca-\(UUID().uuidString).pem").path
        try "not a certificate".write(toFile: garbage, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        #expect(throws: DatabaseURLError.unreadableRootCertificate(garbage)) {
            try DatabaseURL.parse("postgres://app@db.example/calibra?sslmode=verify-ca&sslrootcert=\(garbage)")
        }
    }

    /// The test cluster listens on a Unix socket only: an sslmode there is accepted and changes nothing.
    @Test func socketConnectionsIgnoreSslmode() async throws {
        let url = try DatabaseURL.parse("\(TestDatabase.serverURL.with(database: "postgres"))&sslmode=require")
        #expect(url.tls?.mode == .require)
        let connection = try await url.connect(logger: Logger(label: "tls-tests"))
        let rows = try await connection.query("SELECT 1", logger: Logger(label: "tls-tests"))
        for try await one in rows.decode(Int.self) { #expect(one == 1) }
        try await connection.close()
    }
}
