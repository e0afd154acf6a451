import DurableSQLite
import Foundation
import GRDB
import GRDBSQLite
import Testing

/// The stores' cached statements stay prepared across the reads and writes of the hot path.
/// SQLite expires every prepared statement of a connection when a flag pragma changes, and GRDB's
/// own `read` changes `query_only` twice; perf found each cached statement parsed and authorized
/// again inside `sqlite3_step`, so these tests count SQLite's own re-prepares of one statement.
@Suite struct StatementCacheTests {
    static let query = "SELECT v FROM t WHERE v = ?"

    func temporaryWriter() throws -> GroupCommitWriter {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("statement-cache-\(UUID().uuidString).sqlite").path
        let database = try DurableDatabase.open(path: path)
        try database.write { db in try db.execute(sql: "CREATE TABLE t (v TEXT NOT NULL)") }
        return GroupCommitWriter(database: database)
    }

    /// Runs the cached query once and returns how often SQLite has re-prepared it so far.
    func queryOnce(_ database: DatabaseQueue) async throws -> Int32 {
        try await database.snapshotRead { db in
            let statement = try db.cachedStatement(sql: Self.query)
            _ = try String.fetchOne(statement, arguments: ["x"])
            return sqlite3_stmt_status(statement.sqliteStatement, Int32(SQLITE_STMTSTATUS_REPREPARE), 0)
        }
    }

    @Test func snapshotReadsAndGroupWritesKeepCachedStatementsPrepared() async throws {
        let writer = try temporaryWriter()
        _ = try await queryOnce(writer.database)
        for index in 0..<5 {
            try await writer.write { db in
                try db.executeCached(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["w\(index)"])
            }
            _ = try await writer.write(.carriedByNextDurableCommit) { db in
                try db.executeCached(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["n\(index)"])
            }
            #expect(try await queryOnce(writer.database) == 0)
        }
    }

    /// Why the stores do not use GRDB's `read`: after one, the cached statement is prepared again.
    @Test func grdbsOwnReadExpiresThem() async throws {
        let writer = try temporaryWriter()
        _ = try await queryOnce(writer.database)
        #expect(try await queryOnce(writer.database) == 0)
        _ = try await writer.database.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        #expect(try await queryOnce(writer.database) > 0)
    }
}
