import Foundation
import Logging
import PostgresNIO
import Synchronization

/// One PostgreSQL database through a PostgresNIO connection pool, shared by the settlement and
/// acquirer stores of one settlementd (and by several settlementd instances at once).
///
/// PostgreSQL's defaults are kept as they are durable: `fsync` and `synchronous_commit` on, so a
/// committed state change survives `kill -9` of either side and power loss of the server. Every
/// decision is a single transaction; nothing is cached between them.
public final class PostgresPool: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let runner: Mutex<Task<Void, Never>?>
    /// Where it is (without the password).
    public let url: PostgresURL

    /// Starts a connection pool for `url` (up to `maximumConnections`) and checks that the server
    /// answers.
    /// - Throws: ``PostgresStoreError/unreachable(_:)`` when it does not within `timeout`.
    public static func connect(
        _ url: PostgresURL, maximumConnections: Int = 16, timeout: Duration = .seconds(10), logger: Logger
    ) async throws -> PostgresPool {
        let database = PostgresPool(url: url, maximumConnections: maximumConnections, logger: logger)
        do {
            // The pool retries a refused connection for ever; the first answer gets `timeout`.
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await database.query("SELECT 1")
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let answered = try await group.next() ?? false
                group.cancelAll()
                if !answered { throw PostgresStoreError.unreachable("no answer within \(timeout)") }
            }
        } catch let error as PostgresStoreError {
            database.close()
            throw error
        } catch {
            database.close()
            throw PostgresStoreError.unreachable(Self.describe(error))
        }
        return database
    }

    private init(url: PostgresURL, maximumConnections: Int, logger: Logger) {
        var configuration = url.clientConfiguration()
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.url = url
        runner = Mutex(Task { await client.run() })
    }

    /// Closes the pool. Queries after this fail.
    public func close() {
        runner.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    deinit { close() }

    /// Runs one statement outside a transaction and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await client.query(query, logger: logger).collect()
    }

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back
    /// when it throws (the error is rethrown as it is). The connection must not escape `body`.
    func transaction<Result: Sendable>(
        _ body: @Sendable (PostgresTransaction) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            let value: Result
            do {
                value = try await body(PostgresTransaction(connection: connection, logger: logger))
            } catch {
                do { try await connection.query("ROLLBACK", logger: logger) } catch {
                    // Perhaps still inside the transaction: never hand such a connection back to
                    // the pool, where the next transaction would run inside this one.
                    try? await connection.close()
                }
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return value
        }
    }

    /// Whether the server answers a query now (for readiness).
    public func isReachable() async -> Bool {
        (try? await query("SELECT 1")) != nil
    }

    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// A short description of a driver error without query text or binds.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(type(of: error))"
    }
}

/// The connection of one transaction.
struct PostgresTransaction: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a statement in the transaction and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }
}

extension PostgresPool {
    /// Runs one statement given as text, binding nothing: for administration (creating a
    /// database in a test server) and never with outside input.
    public func execute(unsafeSQL sql: String) async throws {
        try await query(PostgresQuery(unsafeSQL: sql))
    }
}

extension PostgresPool {
    /// Every row of every table in the current schema, as text (for audits and tests that check
    /// what is never stored, such as card numbers).
    public func textOfAllRows() async throws -> String {
        let tables = try await query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).map { try $0.decode(String.self) }
        var text = ""
        for table in tables {
            for row in try await query(PostgresQuery(unsafeSQL: "SELECT t::text FROM \"\(table)\" t")) {
                text += try row.decode(String.self) + "\n"
            }
        }
        return text
    }
}

extension PostgresPool {
    /// The server's `fsync` and `synchronous_commit` (both `on` by default: a commit is on disk
    /// before it returns). settlementd refuses to start on a server where either is off.
    public func durabilitySettings() async throws -> (fsync: String, synchronousCommit: String) {
        let fsync = try await query("SHOW fsync").first.map { try $0.decode(String.self) } ?? "?"
        let commit =
            try await query("SHOW synchronous_commit").first.map { try $0.decode(String.self) } ?? "?"
        return (fsync, commit)
    }
}

extension PostgresPool {
    /// This machine's clock minus the database server's, in seconds: of three readings, the one
    /// with the shortest round trip (half of it is allowed for), so a busy machine or a slow
    /// connection does not pass for a wrong clock. Instances compare deadlines they wrote with their
    /// own clocks, so they must agree to within a few seconds.
    public func clockSkew() async throws -> TimeInterval {
        var best: (roundTrip: TimeInterval, skew: TimeInterval)?
        for _ in 0..<3 {
            let before = Date()
            let server =
                try await query("SELECT clock_timestamp()").first.map { try $0.decode(Date.self) } ?? before
            let after = Date()
            let roundTrip = after.timeIntervalSince(before)
            let skew = before.addingTimeInterval(roundTrip / 2).timeIntervalSince(server)
            if best.map({ roundTrip < $0.roundTrip }) ?? true { best = (roundTrip, skew) }
        }
        return best?.skew ?? 0
    }
}

extension PostgresPool {
    /// Creates an empty database named `prefix` and a random suffix on `server` (a user that may
    /// create databases), for a test, a soak or a benchmark run, and returns its URL.
    public static func createDatabase(
        on server: PostgresURL, prefix: String, timeout: Duration = .seconds(60), logger: Logger
    ) async throws -> PostgresURL {
        let name = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try await connect(server, maximumConnections: 1, timeout: timeout, logger: logger)
        defer { admin.close() }
        try await admin.execute(unsafeSQL: "CREATE DATABASE \(name)")
        return server.with(database: name)
    }
}
