import Foundation
import PostgresNIO

/// Parses `postgres://user:password@host:port/database?sslmode=verify-full&sslrootcert=/path/ca.pem` and the
/// socket form `postgresql://user@/database?host=/path/to/socket/dir&port=5432` into a client configuration.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String?
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    /// TLS for a TCP connection; nil means the URL said nothing (libpq's default, `prefer`).
    public var tls: DatabaseTLS?

    public init(
        user: String, password: String? = nil, host: String? = nil, socketDirectory: String? = nil, port: Int = 5432, database: String,
        tls: DatabaseTLS? = nil
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.socketDirectory = socketDirectory
        self.port = port
        self.database = database
        self.tls = tls
    }

    /// Nil for anything `parse` refuses.
    public init?(_ text: String) {
        guard let url = try? Self.parse(text) else { return nil }
        self = url
    }

    /// Parses a URL, saying what is wrong with it (for start-up errors).
    public static func parse(_ text: String) throws(DatabaseURLError) -> DatabaseURL {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw .notAPostgresURL
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let host = components.percentEncodedHost.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        guard host != nil || socket != nil else { throw .notAPostgresURL }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var tls: DatabaseTLS?
        if query["sslmode"] != nil || query["sslrootcert"] != nil {
            tls = try DatabaseTLS(sslmode: query["sslmode"], sslrootcert: query["sslrootcert"])
        }
        return DatabaseURL(
            user: components.user ?? "postgres",
            password: components.password,
            host: socket == nil ? host : nil,
            socketDirectory: socket,
            port: components.port ?? Int(query["port"] ?? "") ?? 5432,
            database: path.isEmpty ? (components.user ?? "postgres") : path,
            tls: tls
        )
    }

    /// The same server, another database (tests make one per suite).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The same server and database as another role (the runtime role beside the owner).
    public func with(user: String, password: String? = nil) -> DatabaseURL {
        var copy = self
        copy.user = user
        copy.password = password
        return copy
    }

    /// What TLS a TCP connection uses: the URL's, else libpq's default.
    public var effectiveTLS: DatabaseTLS { tls ?? .default }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database
            )
        } else {
            configuration = .init(
                host: host ?? "127.0.0.1", port: port, username: user, password: password, database: database, tls: effectiveTLS.clientTLS
            )
        }
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }

    /// A libpq URL, usable by `psql` and `pgbench` (the password is never printed).
    public var description: String {
        if let socketDirectory { return "postgresql://\(user)@/\(database)?host=\(socketDirectory)&port=\(port)" }
        let query = tls.map { $0.queryText.isEmpty ? "" : "?\($0.queryText)" } ?? ""
        return "postgresql://\(user)@\(host ?? "127.0.0.1"):\(port)/\(database)\(query)"
    }
}

extension DatabaseURL {
    /// Opens one connection outside any pool, for administrative work that must close it deterministically
    /// (creating databases from a template needs the template to have no connections left).
    public func connect(logger: Logger) async throws -> PostgresConnection {
        let configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            configuration = .init(
                host: host ?? "127.0.0.1", port: port, username: user, password: password, database: database, tls: try effectiveTLS.connectionTLS()
            )
        }
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }
}

