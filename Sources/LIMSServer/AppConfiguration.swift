import Accounts
import Foundation
import Logging
import Webhooks

/// Everything `buildApplication` needs; the CLI fills it from options, then environment, then defaults.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The runtime connection (`DATABASE_URL`): a member of `calibra_runtime`, owning nothing.
    public var database: DatabaseURL
    /// The owner's connection for migrations (`LIMS_MIGRATION_DATABASE_URL`); defaults to `database`.
    public var migrationDatabase: DatabaseURL
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
    /// How long stored idempotent responses are kept (`LIMS_IDEMPOTENCY_RETENTION`; at least 24 h, default 7 days).
    public var idempotencyRetention: Duration = .seconds(7 * 86_400)
    /// How long a web page session (console, portal) may stay unused before it ends (`LIMS_WEB_IDLE_TIMEOUT`, default 30 minutes).
    public var webIdleTimeout: Duration = .seconds(30 * 60)
    /// How often each instance runs the housekeeping sweeps (`LIMS_SWEEP_INTERVAL`, default 10 minutes).
    public var sweepInterval: Duration = .seconds(600)
    /// How often each instance runs the recall sweep (`LIMS_RECALL_INTERVAL`, default 1 hour).
    public var recallInterval: Duration = .seconds(3600)
    /// How long a stopping server (SIGTERM, SIGINT) waits for requests in flight and background work to finish before it
    /// cancels them (`LIMS_SHUTDOWN_TIMEOUT`); see ``serveUntilSignalled(_:shutdownTimeout:)``.
    public var shutdownTimeout: Duration = .seconds(30)
    /// Makes the application logger's handler (by label) instead of the process-wide `LoggingSystem`, e.g. for a
    /// test that reads what the server logged. `nil` (the default) uses `LoggingSystem`.
    public var logHandler: (@Sendable (String) -> any LogHandler)? = nil
    /// HTTP deadlines and the connection cap (`LIMS_HTTP_*_TIMEOUT`, `LIMS_MAX_CONNECTIONS`).
    public var http: HTTPLimits
    /// The header a trusted reverse proxy puts the client's address in (`LIMS_TRUSTED_PROXY_HEADER`, e.g.
    /// `X-Forwarded-For`); sign-in throttling then counts by its right-most address. Nil: the TCP peer.
    public var trustedProxyHeader: String?
    /// Sign-in throttling limits (5 tries per email, then 15 minutes; 30 per address per 15 minutes).
    public var signInThrottle = SignInThrottle.Settings()
    /// Webhook delivery (`LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS`, `LIMS_WEBHOOK_RETRY_SCHEDULE`).
    public var webhooks = WebhookSettings()
    /// The runtime connection pool (`LIMS_DB_POOL_MIN`, `LIMS_DB_POOL_MAX`, `LIMS_DB_KEEPALIVE`).
    public var pool = DatabasePool()
    /// The key that seals webhook secrets: a file beside the signing key, made by `lims keys init`.
    public var webhookKeyPath: URL { WebhookKey.path(besideSigningKey: signingKeyPath) }

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: DatabaseURL,
        migrationDatabase: DatabaseURL? = nil,
        logLevel: Logger.Level = .info,
        bcryptCost: UInt8 = 12,
        projectRoot: URL,
        signingKeyPath: URL? = nil,
        lab: LabIdentity = .demo,
        publicBaseURL: String? = nil,
        http: HTTPLimits = HTTPLimits()
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.migrationDatabase = migrationDatabase ?? database
        self.logLevel = logLevel
        self.bcryptCost = bcryptCost
        self.projectRoot = projectRoot
        self.signingKeyPath = signingKeyPath ?? projectRoot.appendingPathComponent(".lims/keys/signing-key.pem")
        self.lab = lab
        self.publicBaseURL = publicBaseURL ?? "http://\(host):\(port)"
        self.http = http
    }

    public var migrationsDirectory: URL { projectRoot.appendingPathComponent("Migrations") }
    public var resourcesDirectory: URL { projectRoot.appendingPathComponent("Resources") }
    /// Whether cookies must be `Secure`: the public URL is https.
    public var secureCookies: Bool { publicBaseURL.lowercased().hasPrefix("https://") }
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
