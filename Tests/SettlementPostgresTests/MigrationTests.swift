import Foundation
import Logging
import PostgresTestSupport
import Settlement
import SettlementPostgres
import Testing

@Suite("PostgreSQL migrations: once, however many instances start together")
struct MigrationTests {
    static let logger: Logger = {
        var logger = Logger(label: "test.migrations")
        logger.logLevel = .error
        return logger
    }()

    @Test func eightInstancesStartingAtOnceMigrateOnce() async throws {
        let url = try await TestPostgres.freshDatabaseURL()
        let pools = try await withThrowingTaskGroup(of: PostgresPool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await TestPostgres.connect(url, maximumConnections: 2)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { pools.forEach { $0.close() } }
        // Each opens both stores at the same moment: all succeed, each migration is recorded once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for pool in pools {
                group.addTask {
                    _ = try await PostgresSettlementStore(database: pool, passwordHasher: .fastForTests)
                    _ = try await PostgresAcquirerStore(database: pool)
                }
            }
            try await group.waitForAll()
        }
        let rows = try await pools[0].textOfAllRows()
        let migrationRows = rows.split(separator: "\n").filter {
            $0.hasPrefix("(settlement,") || $0.hasPrefix("(acquirer,")
        }
        #expect(migrationRows.count == 11, "settlement v1 to v8, acquirer v1 to v3: \(migrationRows)")
        #expect(try await pools[0].durabilitySettings() == ("on", "on"))
        // The server runs on this machine's clock; 2 s is settlementd's own limit (half a round
        // trip of a loaded CI machine is the only error left).
        #expect(abs(try await pools[0].clockSkew()) < 2, "the test server runs on this machine's clock")
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let pool = try await TestPostgres.freshDatabase()
        defer { pool.close() }
        _ = try await PostgresAcquirerStore(database: pool)
        try await pool.execute(
            unsafeSQL: "INSERT INTO schema_migration (migrator, name) VALUES ('acquirer', 'v99')")
        await #expect(throws: PostgresStoreError.newerSchema("v99")) {
            _ = try await PostgresAcquirerStore(database: pool)
        }
    }

    @Test func anUnreachableServerSaysSo() async throws {
        let url = try PostgresURL("postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        do {
            _ = try await PostgresPool.connect(url, timeout: .seconds(2), logger: Self.logger)
            Issue.record("connected to port 1")
        } catch let error as PostgresStoreError {
            #expect(error.description.contains("cannot be reached"))
        }
    }
}
