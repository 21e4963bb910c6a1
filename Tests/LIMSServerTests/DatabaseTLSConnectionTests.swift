import Foundation
import LIMSServer
import LIMSTestSupport
import Logging
import PostgresNIO
import Testing

/// A real TLS connection: a cluster of the test's own listening on localhost with a self-signed certificate.
@Suite("Database TLS against a real server")
struct DatabaseTLSConnectionTests {
    let logger = Logger(label: "tls-connection-tests")

    static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure( "\(program) \(arguments) failed") }
    }

    /// A self-signed certificate for `localhost` and its key, in `folder`.
    static func makeCertificate(named name: String, in folder: String) throws -> (certificate: String, key: String) {
        let certificate = "\(folder)/\(name).pem", key = "\(folder)/\(name).key"
        try run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ])
        return (certificate, key)
    }

    func usesTLS(_ url: DatabaseURL) async throws -> Bool {
        let connection = try await url.connect(logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
        for try await ssl in rows.decode(Bool.self) { return ssl }
        return false
    }

    @Test(.enabled(if: LIMSChild.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func sslmodesAgainstAServerWithASelfSignedCertificate() async throws {
        let folder = "/tmp/calibra-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let port = String(51000 + Int.random(in: 0..<2000))
        defer {
            _ = try? EmbeddedClusterRolesTests.lims(["db", "stop"], folder: folder, port: port)
            try? FileManager.default.removeItem(atPath: folder)
        }
        _ = try EmbeddedClusterRolesTests.lims(["db", "start", "--throwaway"], folder: folder, port: port)
        _ = try EmbeddedClusterRolesTests.lims(["db", "stop"], folder: folder, port: port)

        // Serve TLS on localhost with the server's certificate; the key belongs to whoever runs the cluster.
        let server = try Self.makeCertificate(named: "server", in: folder)
        let stranger = try Self.makeCertificate(named: "stranger", in: folder)
        let data = "\(folder)/pgdata"
        let clusterOwner = try #require(try FileManager.default.attributesOfItem(atPath: data)[.ownerAccountID] as? NSNumber)
        try FileManager.default.setAttributes([.posixPermissions: 0o600, .ownerAccountID: clusterOwner], ofItemAtPath: server.key)
        let settings = "\nlisten_addresses = 'localhost'\nssl = on\nssl_cert_file = '\(server.certificate)'\nssl_key_file = '\(server.key)'\n"
        let conf = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(data)/postgresql.conf"))
        conf.seekToEndOfFile()
        conf.write(Data(settings.utf8))
        try conf.close()
        _ = try EmbeddedClusterRolesTests.lims(["db", "start"], folder: folder, port: port)

        let base = "postgres://calibra_owner@localhost:\(port)/calibra"
        #expect(try await usesTLS(try DatabaseURL.parse("\(base)?sslmode=verify-full&sslrootcert=\(server.certificate)")))
        #expect(try await usesTLS(try DatabaseURL.parse("\(base)?sslmode=require")))
        #expect(try await usesTLS(try DatabaseURL.parse(base)))  // prefer, the default
        #expect(try await usesTLS(try DatabaseURL.parse("\(base)?sslmode=disable")) == false)
        // A server whose certificate was not issued by the trusted authority is refused.
        await #expect(throws: (any Error).self) {
            _ = try await usesTLS(try DatabaseURL.parse("\(base)?sslmode=verify-ca&sslrootcert=\(stranger.certificate)"))
        }
        // verify-full checks the name: the certificate names localhost, not 127.0.0.1.
        await #expect(throws: (any Error).self) {
            _ = try await usesTLS(try DatabaseURL.parse("postgres://calibra_owner@127.0.0.1:\(port)/calibra?sslmode=verify-full&sslrootcert=\(server.certificate)"))
        }
    }
}
