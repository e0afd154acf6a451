import GRDB

extension DatabaseQueue {
    /// Runs `body` in one deferred read transaction on GRDB's queue (not on Swift's cooperative
    /// pool), so that all its statements read the same snapshot, and keeps the connection's
    /// cached statements prepared.
    ///
    /// GRDB's own `read` turns `PRAGMA query_only` on and off around the body, and SQLite expires
    /// every prepared statement of the connection whenever a flag pragma changes: after any such
    /// read each cached statement is parsed and authorized again on its next step, which made
    /// statement caching worthless (perf showed the re-prepares inside `sqlite3_step`). Without
    /// the pragma, nothing stops `body` from writing; it is for reads only, as its name says.
    public func snapshotRead<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await unsafeRead { db in
            try db.executeCached(sql: "BEGIN DEFERRED TRANSACTION")
            do {
                let value = try body(db)
                try db.executeCached(sql: "COMMIT TRANSACTION")
                return value
            } catch {
                if db.isInsideTransaction { try? db.rollback() }
                throw error
            }
        }
    }
}
