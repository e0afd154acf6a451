import GRDBSQLite
import Synchronization

/// One SQLite connection on SQLite's C API, for registerd's journal: a few tables, a handful of
/// statements, no ORM (GRDB stays on the settlement side; registerd does not link it).
///
/// Every use of the connection holds its mutex, so the class is `Sendable`; the calls are
/// synchronous (a commit waits for fsync), so make them off Swift's cooperative pool.
final class SQLiteConnection: Sendable {
    // Used only while `lock` is held.
    private nonisolated(unsafe) let pointer: OpaquePointer
    private let lock = Mutex(())

    /// Opens the database at `path`: read-write, creating it if needed, or read-only.
    /// - Throws: ``SQLiteError`` when SQLite cannot open it.
    init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        var pointer: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard code == SQLITE_OK, let pointer else {
            let error = SQLiteError(code: code, message: pointer.map { String(cString: sqlite3_errmsg($0)) })
            sqlite3_close_v2(pointer)
            throw error
        }
        // A reader beside registerd (the operator's `pairpay` command) waits for a writer's
        // commit instead of failing at once.
        sqlite3_busy_timeout(pointer, 10_000)
        self.pointer = pointer
    }

    deinit {
        sqlite3_close_v2(pointer)
    }

    /// Runs `body` on the connection, outside any transaction (for pragmas and reads).
    func withDatabase<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        var outcome: Result<T, any Error>?
        lock.withLock { _ in outcome = Result { try body(SQLiteDatabase(pointer: pointer)) } }
        // The closure always runs, so `outcome` is set.
        return try outcome!.get()
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back
    /// when it throws. A commit failure (a full disk) throws, and nothing of `body` is kept.
    func write<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        try withDatabase { database in
            try database.script("BEGIN IMMEDIATE")
            do {
                let value = try body(database)
                try database.script("COMMIT")
                return value
            } catch {
                // ROLLBACK fails only when SQLite already rolled back (an I/O error); either
                // way nothing of the transaction is kept.
                try? database.script("ROLLBACK")
                throw error
            }
        }
    }
}
