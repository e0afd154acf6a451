import Foundation
import Logging
import SettlementPostgres

/// The PostgreSQL server of a `--store postgres` run: the one named by `--postgres` (or
/// `PAIRPAY_TEST_POSTGRES_URL`), else a throwaway cluster from `scripts/postgres-cluster.sh`,
/// stopped when the run ends. Each store run gets a database of its own.
final class BenchPostgres: @unchecked Sendable {
    let server: PostgresURL
    private let throwawayDirectory: String?

    init(url: String?) throws {
        let given = url ?? ProcessInfo.processInfo.environment["PAIRPAY_TEST_POSTGRES_URL"]
        if let given {
            server = try PostgresURL(given)
            throwawayDirectory = nil
            return
        }
        let exports = try Shell.output(Report.repositoryRoot + "/scripts/postgres-cluster.sh", ["start"])
        func value(_ name: String) -> String? {
            exports.split(separator: "\n").first { $0.hasPrefix("export \(name)=") }
                .map {
                    String($0.dropFirst("export \(name)=".count)).trimmingCharacters(
                        in: CharacterSet(charactersIn: "'"))
                }
        }
        guard let text = value("PAIRPAY_TEST_POSTGRES_URL"),
            let directory = value("PAIRPAY_TEST_POSTGRES_DIR")
        else {
            throw Shell.Failure(description: "postgres-cluster.sh printed no URL: \(exports)")
        }
        server = try PostgresURL(text)
        throwawayDirectory = directory
    }

    /// Creates an empty database and returns its URL.
    func freshDatabase(_ name: String) async throws -> PostgresURL {
        try await PostgresPool.createDatabase(
            on: server, prefix: "pairpay_bench_\(name)_", logger: Self.logger)
    }

    /// Durable commits per second on `url`: one small INSERT per transaction, one writer, the
    /// server's durable defaults (the same measure as the SQLite ceiling).
    func commitsPerSecond(_ url: PostgresURL, seconds: Double) async throws -> Double {
        let pool = try await PostgresPool.connect(url, maximumConnections: 1, logger: Self.logger)
        defer { pool.close() }
        try await pool.execute(
            unsafeSQL: "CREATE TABLE IF NOT EXISTS ceiling (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)")
        let clock = Stopwatch()
        var count = 0
        while clock.seconds < seconds {
            try await pool.execute(unsafeSQL: "INSERT INTO ceiling (v) VALUES ('order-\(count)')")
            count += 1
        }
        return Double(count) / clock.seconds
    }

    func stop() {
        guard let throwawayDirectory else { return }
        _ = try? Shell.output(
            Report.repositoryRoot + "/scripts/postgres-cluster.sh", ["stop", throwawayDirectory])
    }

    static let logger: Logger = {
        var logger = Logger(label: "pairpay.bench.postgres")
        logger.logLevel = .error
        return logger
    }()
}
