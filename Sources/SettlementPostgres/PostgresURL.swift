import Foundation
import NIOSSL
import PostgresNIO

/// Where the PostgreSQL database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]`
/// (also `postgresql://`). `sslmode` is `disable`, `prefer` (the default) or `require`; a
/// `host=/DIRECTORY` query item connects over the Unix socket in that directory instead of TCP.
///
/// Keep the password out of the URL (command lines are visible to every local user): pass it as
/// `PAIRPAY_DATABASE_PASSWORD` or a file named by settlementd's `--database-password-file` (mode 0600).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP (loopback, a Unix socket, or a network you trust).
        case disable
        /// TLS if the server offers it.
        case prefer
        /// TLS or no connection.
        case require
    }

    public var host: String
    public var port: Int
    /// The Unix socket directory, when connecting that way.
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Reads a `postgres://` URL.
    /// - Throws: ``PostgresStoreError/invalidURL(_:)`` naming what is wrong.
    public init(_ text: String) throws(PostgresStoreError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw .invalidURL("it must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidURL("it names no user (postgres://USER@HOST:PORT/DATABASE)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidURL("it names no database (postgres://USER@HOST:PORT/DATABASE)")
        }
        let items = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        for name in items.keys where name != "sslmode" && name != "host" {
            throw .invalidURL("unknown parameter '\(name)': only sslmode and host are read")
        }
        var tls = TLSMode.prefer
        if let mode = items["sslmode"] {
            guard let parsed = TLSMode(rawValue: mode) else {
                throw .invalidURL(
                    "sslmode '\(mode)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            tls = parsed
        }
        self.host = components.host ?? "localhost"
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalidURL("port \(port) is not 1-65535") }
        self.socketDirectory = items["host"].flatMap { $0.isEmpty ? nil : $0 }
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
    }

    /// The URL without its password (for logs, error messages, and other commands: it reads back
    /// as the same URL).
    public var description: String {
        var parameters: [String] = []
        if tls != .prefer { parameters.append("sslmode=\(tls.rawValue)") }
        if let socketDirectory { parameters.append("host=\(socketDirectory)") }
        let query = parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")
        return "postgres://\(username)@\(host):\(port)/\(database)\(query)"
    }

    /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The environment variable the database password comes from when no file gives it.
    public static let passwordVariable = "PAIRPAY_DATABASE_PASSWORD"

    /// This URL with the password from ``passwordVariable`` in `environment`, when that is set.
    public func withPassword(from environment: [String: String]) -> PostgresURL {
        guard let password = environment[Self.passwordVariable], !password.isEmpty else { return self }
        var copy = self
        copy.password = password
        return copy
    }

    /// The same server with another database.
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// PostgresNIO's client configuration.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password,
                database: database)
        } else {
            let tlsSetting: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: tlsSetting = .disable
            case .prefer: tlsSetting = .prefer(.makeClientConfiguration())
            case .require: tlsSetting = .require(.makeClientConfiguration())
            }
            configuration = .init(
                host: host, port: port, username: username, password: password, database: database,
                tls: tlsSetting)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
