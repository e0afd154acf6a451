import Foundation
import Logging
import PostgresNIO
import SettlementPostgres

/// A throwaway database per test on the test PostgreSQL server.
///
/// The server is named by `PAIRPAY_TEST_POSTGRES_URL` (a user that may create databases);
/// `scripts/test.sh` starts a throwaway cluster for the run and sets it. Without it, tests that
/// need PostgreSQL fail and say so: they are never skipped silently.
public enum TestPostgres {
    /// The environment variable naming the test server.
    public static let environmentVariable = "PAIRPAY_TEST_POSTGRES_URL"

    /// Why a PostgreSQL test cannot run.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The test server's URL.
    public static func serverURL() throws -> PostgresURL {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty else {
            throw Unavailable(
                description: """
                    this test needs PostgreSQL: set \(environmentVariable)=postgres://USER@HOST:PORT/postgres \
                    (a user that may create databases), or run scripts/test.sh, which starts a throwaway \
                    cluster (scripts/postgres-cluster.sh)
                    """)
        }
        return try PostgresURL(text)
    }

    /// Creates an empty database with a fresh name and returns its URL.
    public static func freshDatabaseURL() async throws -> PostgresURL {
        try await PostgresPool.createDatabase(
            on: try serverURL(), prefix: "pairpay_test_", logger: quietLogger)
    }

    /// A connection pool on a fresh, empty database.
    public static func freshDatabase(maximumConnections: Int = 4) async throws -> PostgresPool {
        try await connect(try await freshDatabaseURL(), maximumConnections: maximumConnections)
    }

    /// A pool on `url`, given a minute to answer: when the whole suite starts at once on two cores,
    /// the first connection can wait for the machine, not for the server.
    public static func connect(_ url: PostgresURL, maximumConnections: Int = 4) async throws -> PostgresPool {
        try await PostgresPool.connect(
            url, maximumConnections: maximumConnections, timeout: .seconds(60), logger: quietLogger)
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "pairpay.test.postgres")
        logger.logLevel = .error
        return logger
    }()
}
