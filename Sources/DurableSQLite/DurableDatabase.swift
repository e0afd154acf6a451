import GRDB

/// Opens SQLite databases that hold money state: WAL journal, `synchronous=FULL`.
///
/// "Durable" here means a committed transaction survives `kill -9` and power loss. WAL alone
/// (GRDB's default set-up) leaves `synchronous` at NORMAL, where the last transactions can be lost
/// on power failure, so FULL is set after opening, on the connection itself.
public enum DurableDatabase {
    /// Opens (creating if needed) the database at `path` and applies `migrator`.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated.
    public static func open(path: String, migrator: DatabaseMigrator? = nil) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try migrator?.migrate(database)
        return database
    }

    /// Runs `body` in one durable transaction on GRDB's queue (not on Swift's cooperative pool),
    /// in a task of its own that nobody cancels: GRDB interrupts the statements of a cancelled
    /// access, and a money write must not fail because the caller that asked for it went away.
    public static func write<T: Sendable>(
        _ database: DatabaseQueue, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await Task { try await database.write(body) }.value
    }

    /// Runs `body` in a read transaction on GRDB's queue (not on Swift's cooperative pool).
    public static func read<T: Sendable>(
        _ database: DatabaseQueue, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await database.read(body)
    }

    /// Runs `body` in one transaction committed at `synchronous=NORMAL`: written to the WAL (so it
    /// survives `kill -9`) but not flushed by its own fsync. The next durable (FULL) commit on the
    /// same database fsyncs the WAL and so carries this one to the disk with it, since the WAL is
    /// appended in order.
    ///
    /// Only for rows whose loss on power failure is harmless unless a later commit is lost too:
    /// a request's nonce, whose request either wrote something durable after it (and the nonce
    /// went to disk with that) or wrote nothing (and a replay of it does nothing new). Never for
    /// money state. `synchronous` is back at FULL before this returns, whatever `body` did.
    public static func writeCarriedByNextDurableCommit<T: Sendable>(
        _ database: DatabaseQueue, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        // Its own task, which nobody cancels: GRDB makes every statement of a cancelled access
        // throw, and that would include setting FULL again. A request cancelled meanwhile leaves its
        // nonce recorded, which is the safe side.
        try await Task {
            try await database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { restoreFull(db) }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                guard let result else { preconditionFailure("a committed transaction ran its body") }
                return result
            }
        }.value
    }

    /// Sets `synchronous=FULL` again. If even that fails the process stops: carrying on would
    /// commit money state without fsync, and a restart (which the services survive) sets FULL.
    static func restoreFull(_ db: Database) {
        do { try db.execute(sql: "PRAGMA synchronous = FULL") } catch {
            fatalError(
                "cannot set synchronous=FULL again (\(error)); stopping rather than commit without fsync")
        }
    }

    /// The connection's `synchronous` setting (2 is FULL), for checks and tests.
    public static func synchronousSetting(of database: DatabaseQueue) throws -> Int {
        try durabilitySettings(of: database).synchronous
    }

    /// The `journal_mode` and `synchronous` in force (`wal`, 2 = FULL), for checks and tests.
    public static func durabilitySettings(
        of database: DatabaseQueue
    ) throws -> (journalMode: String, synchronous: Int) {
        try database.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }
}
