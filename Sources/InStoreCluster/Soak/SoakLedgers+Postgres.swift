import Acquirer
import Foundation
import Logging
import Settlement
import SettlementPostgres

extension SoakLedgers {
    /// Whether a location is a PostgreSQL URL rather than a SQLite file.
    static func isPostgres(_ location: String) -> Bool { PostgresURL.isPostgresURL(location) }

    /// Creates an empty database for a run on `server` (a user that may create databases) and
    /// returns its URL.
    public static func freshPostgresDatabase(on server: String) async throws -> String {
        try await PostgresPool.createDatabase(
            on: try PostgresURL(server), prefix: "pairpay_soak_", logger: quiet
        )
        .description
    }

    /// Orders in authorization and reversals not acknowledged, from PostgreSQL (while settling).
    static func postgresPending(_ location: String) async throws -> (authorizing: Int, reversals: Int) {
        try await withPostgres(location) { settlement, acquirer in
            (
                try await settlement.ordersInAuthorization(overdueAt: nil).count,
                try await acquirer.reversalCounts().values.reduce(0, +)
            )
        }
    }

    static func withPostgres<T: Sendable>(
        _ location: String, _ body: (PostgresSettlementStore, PostgresAcquirerStore) async throws -> T
    ) async throws -> T {
        let pool: PostgresPool
        do {
            pool = try await PostgresPool.connect(
                try PostgresURL(location), maximumConnections: 2, timeout: .seconds(30), logger: quiet)
        } catch {
            throw SoakError.unreadable(location, "\(error)")
        }
        defer { pool.close() }
        return try await body(
            try await PostgresSettlementStore(database: pool), try await PostgresAcquirerStore(database: pool)
        )
    }

    static let quiet: Logger = {
        var logger = Logger(label: "pairpay.soak.postgres")
        logger.logLevel = .error
        return logger
    }()
}
