import Accounts
import Foundation
import Logging

/// Everything `buildApplication` needs; the CLI fills it from options, then environment, then defaults.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseURL
    public var logLevel: Logger.Level
    /// bcrypt cost: 12 in production, lowered by tests to keep them fast.
    public var bcryptCost: UInt8
    /// The project folder holding `Migrations/` and `Resources/`.
    public var projectRoot: URL
    /// Where the lab's Ed25519 signing key lives (outside the database).
    public var signingKeyPath: URL
    /// Lab identity printed on certificates and invoices.
    public var lab: LabIdentity
    /// Base URL printed in certificate verification links.
    public var publicBaseURL: String
    /// The header a trusted reverse proxy puts the client's address in (`LIMS_TRUSTED_PROXY_HEADER`, e.g.
    /// `X-Forwarded-For`); sign-in throttling then counts by its right-most address. Nil: the TCP peer.
    public var trustedProxyHeader: String?
    /// Sign-in throttling limits (5 tries per email, then 15 minutes; 30 per address per 15 minutes).
    public var signInThrottle = SignInThrottle.Settings()

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: DatabaseURL,
        logLevel: Logger.Level = .info,
        bcryptCost: UInt8 = 12,
        projectRoot: URL,
        signingKeyPath: URL? = nil,
        lab: LabIdentity = .demo,
        publicBaseURL: String? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.logLevel = logLevel
        self.bcryptCost = bcryptCost
        self.projectRoot = projectRoot
        self.signingKeyPath = signingKeyPath ?? projectRoot.appendingPathComponent(".lims/keys/signing-key.pem")
        self.lab = lab
        self.publicBaseURL = publicBaseURL ?? "http://\(host):\(port)"
    }

    public var migrationsDirectory: URL { projectRoot.appendingPathComponent("Migrations") }
    public var resourcesDirectory: URL { projectRoot.appendingPathComponent("Resources") }
}

/// The lab as it names itself on documents.
public struct LabIdentity: Sendable, Codable, Equatable {
    public var name: String
    public var address: String
    public var accreditation: String

    public init(name: String, address: String, accreditation: String) {
        self.name = name
        self.address = address
        self.accreditation = accreditation
    }

    public static let demo = LabIdentity(
        name: "Calibra Metrology Test Centre",
        address: "88 Measurement Road, Science Park, Hangzhou 310000, China",
        accreditation: "CNAS L0000 (demo)"
    )
}

/// Finds the project folder (the one holding `Migrations/`): `LIMS_ROOT`, else the working directory
/// or one of its parents, else a parent of the executable.
public enum ProjectRoot {
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let root = environment["LIMS_ROOT"], !root.isEmpty { return URL(fileURLWithPath: root) }
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent(),
        ]
        for start in starts {
            var candidate = start.standardizedFileURL
            for _ in 0..<8 {
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Migrations").path) { return candidate }
                candidate = candidate.deletingLastPathComponent()
            }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
