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
