import ArgumentParser
import Foundation
import Logging
import SettlementPostgres

/// Where an operator command finds settlementd's state: a SQLite file, or the PostgreSQL
/// database of `settlementd --database` when the text is a `postgres://` URL.
enum StoreLocation {
    /// A connection pool when `location` is a PostgreSQL URL, nil for a file path.
    /// - Throws: `ValidationError` for a URL that cannot be used or a server that does not answer.
    static func postgres(_ location: String) async throws -> PostgresPool? {
        guard PostgresURL.isPostgresURL(location) else { return nil }
        let url: PostgresURL
        do {
            url = try PostgresURL(location).withPassword(from: ProcessInfo.processInfo.environment)
        } catch { throw ValidationError("\(error)") }
        var logger = Logger(label: "pairpay.postgres")
        logger.logLevel = .error
        do { return try await PostgresPool.connect(url, maximumConnections: 2, logger: logger) } catch {
            throw ValidationError("\(url): \(error)")
        }
    }
}
