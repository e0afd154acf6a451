import RegisterProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#endif

/// registerd's durable journal: every sale and void, each step of it, and the totals period, in
/// one SQLite file (WAL, `synchronous=FULL`), so a `kill -9` or a power cut loses nothing that
/// was acknowledged. Requests and results are kept as their protocol payloads (`hw/PROTOCOL.md`):
/// the register link never carries card data, so neither does the journal.
///
/// It runs on SQLite's C API (``SQLiteConnection``), not GRDB, so that registerd links neither
/// GRDB nor the Foundation it imports; journals written by earlier versions, whose schema GRDB's
/// migrator kept, open unchanged (the applied migrations are in the same `grdb_migrations` table).
public final class RegisterJournal: Sendable {
    let connection: SQLiteConnection

    /// Opens (creating if needed) the journal at `path`.
    /// - Throws: ``RegisterJournalError`` when the file cannot be opened or migrated.
    public init(path: String) throws(RegisterJournalError) {
        do {
            connection = try SQLiteConnection(path: path)
            try connection.withDatabase { db in
                // WAL, then FULL: a commit is on disk (WAL and fsync) before it returns, so a
                // power cut after an acknowledgement loses nothing.
                let mode = try db.query("PRAGMA journal_mode = WAL").first?.text("journal_mode")
                guard mode == "wal" else {
                    throw SQLiteError(code: 0, message: "journal_mode is \(mode ?? "unknown"), not wal")
                }
                try db.script("PRAGMA synchronous = FULL")
                try Self.migrate(db)
                try db.script("PRAGMA foreign_keys = ON")
            }
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    /// The schema's migrations in order, by the identifiers GRDB's migrator recorded them under.
    static let migrations: [(identifier: String, sql: String)] = [
        (
            "v1",
            """
            CREATE TABLE totals_period (id INTEGER PRIMARY KEY CHECK (id = 1), number INTEGER NOT NULL);
            INSERT INTO totals_period (id, number) VALUES (1, 1);
            CREATE TABLE register_transaction (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('sale', 'void')),
                receipt TEXT NOT NULL,
                order_id TEXT,
                request BLOB NOT NULL,
                period INTEGER NOT NULL,
                registered INTEGER NOT NULL DEFAULT 0,
                result BLOB,
                created_at REAL NOT NULL,
                completed_at REAL);
            CREATE TABLE journal_step (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                transaction_id INTEGER NOT NULL REFERENCES register_transaction(id),
                at REAL NOT NULL,
                step TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '');
            """
        ),
        // Refunds (issue 15): the kind's CHECK admits 'refund'. SQLite cannot alter a CHECK, so
        // the table is rebuilt under the same name (ids, and the steps that refer to them, kept).
        (
            "v2-refunds",
            """
            CREATE TABLE register_transaction_v2 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('sale', 'void', 'refund')),
                receipt TEXT NOT NULL,
                order_id TEXT,
                request BLOB NOT NULL,
                period INTEGER NOT NULL,
                registered INTEGER NOT NULL DEFAULT 0,
                result BLOB,
                created_at REAL NOT NULL,
                completed_at REAL);
            INSERT INTO register_transaction_v2 (id, kind, receipt, order_id, request, period, registered,
                result, created_at, completed_at)
            SELECT id, kind, receipt, order_id, request, period, registered, result, created_at, completed_at
            FROM register_transaction;
            DROP TABLE register_transaction;
            ALTER TABLE register_transaction_v2 RENAME TO register_transaction;
            """
        ),
        (
            "v3-end-of-day",
            """
            CREATE TABLE end_of_day (
                batch_id TEXT PRIMARY KEY, first_period INTEGER NOT NULL, last_period INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('closing', 'closed')),
                started_at REAL NOT NULL, closed_at REAL);
            """
        ),
    ]

    /// Applies the migrations not applied yet, in one transaction, with foreign keys off while the
    /// tables are rebuilt and checked before the commit (as GRDB's migrator did).
    private static func migrate(_ db: SQLiteDatabase) throws {
        try db.script("PRAGMA foreign_keys = OFF")
        try db.script("BEGIN IMMEDIATE")
        do {
            try db.script("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            let applied = Set(
                try db.query("SELECT identifier FROM grdb_migrations").map { try $0.text("identifier") })
            for migration in migrations where !applied.contains(migration.identifier) {
                try db.script(migration.sql)
                try db.execute(
                    "INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(migration.identifier)])
            }
            let violations = try db.query("PRAGMA foreign_key_check")
            guard violations.isEmpty else {
                throw SQLiteError(
                    code: 0, message: "\(violations.count) rows break a foreign key after migrating")
            }
            try db.script("COMMIT")
        } catch {
            try? db.script("ROLLBACK")
            throw error
        }
    }

    /// Everything journaled, oldest first, and the current totals period.
    public func load() throws(RegisterJournalError) -> (records: [TransactionRecord], period: Int) {
        try reading { db in
            let period = try db.query("SELECT number FROM totals_period WHERE id = 1").first?.integer(
                "number")
            let rows = try db.query("SELECT * FROM register_transaction ORDER BY id")
            return (try rows.map(Self.record(from:)), period.map(Int.init) ?? 1)
        }
    }

    private static func record(from row: SQLiteRow) throws -> TransactionRecord {
        let request = try row.blob("request")
        let kind: TransactionRecord.Kind
        switch try row.text("kind") {
        case "sale": kind = .sale(try Sale(fields: FieldReader<Field>(request)))
        case "refund": kind = .refund(try Refund(fields: FieldReader<Field>(request)))
        default: kind = .void(try VoidRequest(fields: FieldReader<Field>(request)))
        }
        let result = try row.optionalBlob("result").map {
            try TransactionResult(fields: FieldReader<Field>($0))
        }
        var record = TransactionRecord(
            kind: kind, receipt: try row.text("receipt"), orderID: try row.optionalText("order_id"),
            result: result, period: Int(try row.integer("period")),
            journalID: try row.integer("id"), registered: try row.integer("registered") != 0)
        record.createdAt = try row.optionalReal("created_at").map(Date.init(timeIntervalSince1970:))
        return record
    }

    /// Every transaction of the journal at `path`, opened read-only: for an operator's
    /// reconciliation while registerd runs (WAL lets it read a consistent snapshot beside the
    /// writer; nothing is migrated or changed).
    /// - Throws: ``RegisterJournalError`` when the file cannot be read as a journal.
    public static func readOnlyRecords(path: String) throws(RegisterJournalError) -> [TransactionRecord] {
        do {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            // One statement reads one snapshot, whatever registerd commits meanwhile.
            return try connection.withDatabase { db in
                try db.query("SELECT * FROM register_transaction ORDER BY id").map(record(from:))
            }
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    /// Journals a new transaction and returns its id.
    func insert(_ record: TransactionRecord) throws(RegisterJournalError) -> Int64 {
        let (kind, request): (String, [UInt8]) =
            switch record.kind {
            case .sale(let sale): ("sale", sale.payload)
            case .void(let void): ("void", void.payload)
            case .refund(let refund): ("refund", refund.payload)
            }
        return try write { db in
            try db.execute(
                """
                INSERT INTO register_transaction (kind, receipt, order_id, request, period, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(kind), .text(record.receipt), .text(record.orderID), .blob(request),
                    .integer(record.period), Self.now,
                ])
            let id = db.lastInsertRowID
            try Self.appendStep(
                db, id, "opened", "\(kind) receipt \(record.receipt) order \(record.orderID ?? "-")")
            return id
        }
    }

    /// Notes that the order reached the settlement server.
    func markRegistered(_ id: Int64) throws(RegisterJournalError) {
        try write { db in
            try db.execute("UPDATE register_transaction SET registered = 1 WHERE id = ?", [.integer(id)])
            try Self.appendStep(db, id, "registered", "")
        }
    }

    /// Journals the result of a transaction; it is complete from now on.
    func complete(_ id: Int64, with result: TransactionResult) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                "UPDATE register_transaction SET result = ?, completed_at = ? WHERE id = ? AND result IS NULL",
                [.blob(result.payload), Self.now, .integer(id)])
            guard db.changes == 1 else {
                throw RegisterJournalError.failed("transaction \(id) is already complete")
            }
            try Self.appendStep(db, id, "completed", "\(result.status.name) \(result.reason)")
        }
    }

    /// Journals one step of a transaction (for the audit trail).
    func appendStep(_ id: Int64, _ step: String, _ detail: String = "") throws(RegisterJournalError) {
        try write { db in try Self.appendStep(db, id, step, detail) }
    }

    /// Every END OF DAY journaled, oldest first.
    public func endOfDays() throws(RegisterJournalError) -> [EndOfDayRecord] {
        try reading { db in
            try db.query("SELECT * FROM end_of_day ORDER BY last_period").map { row in
                EndOfDayRecord(
                    batchID: try row.text("batch_id"), firstPeriod: Int(try row.integer("first_period")),
                    lastPeriod: Int(try row.integer("last_period")),
                    state: EndOfDayRecord.State(rawValue: try row.text("state")) ?? .closing)
            }
        }
    }

    /// Journals an END OF DAY as `closing`, before the settlement server is asked.
    func beginEndOfDay(_ record: EndOfDayRecord) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                """
                INSERT INTO end_of_day (batch_id, first_period, last_period, state, started_at)
                VALUES (?, ?, ?, 'closing', ?)
                """,
                [.text(record.batchID), .integer(record.firstPeriod), .integer(record.lastPeriod), Self.now])
        }
    }

    /// Marks the END OF DAY `closed` and starts period `next`, in one write.
    func finishEndOfDay(_ batchID: String, nextPeriod next: Int) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                "UPDATE end_of_day SET state = 'closed', closed_at = ? WHERE batch_id = ?",
                [Self.now, .text(batchID)])
            try db.execute("UPDATE totals_period SET number = ? WHERE id = 1", [.integer(next)])
        }
    }

    /// Starts the next totals period.
    func setPeriod(_ number: Int) throws(RegisterJournalError) {
        try write { db in
            try db.execute("UPDATE totals_period SET number = ? WHERE id = 1", [.integer(number)])
        }
    }

    /// The steps journaled for a transaction, oldest first (for tests and the operator).
    public func steps(of id: Int64) throws(RegisterJournalError) -> [String] {
        try reading { db in
            try db.query("SELECT step FROM journal_step WHERE transaction_id = ? ORDER BY id", [.integer(id)])
                .map { try $0.text("step") }
        }
    }

    /// The steps journaled for a transaction with their details, oldest first, as `step detail`
    /// (for example `result via query`).
    public func stepDetails(of id: Int64) throws(RegisterJournalError) -> [String] {
        try reading { db in
            try db.query(
                "SELECT step, detail FROM journal_step WHERE transaction_id = ? ORDER BY id", [.integer(id)]
            ).map { row in
                let detail = try row.text("detail")
                let step = try row.text("step")
                return detail.isEmpty ? step : "\(step) \(detail)"
            }
        }
    }

    /// The connection's `synchronous` setting (2 is FULL).
    public func synchronousSetting() throws -> Int {
        try connection.withDatabase { db in
            Int(try db.query("PRAGMA synchronous").first?.integer("synchronous") ?? -1)
        }
    }

    /// The connection's `journal_mode` (`wal`).
    public func journalMode() throws -> String {
        try connection.withDatabase { db in
            try db.query("PRAGMA journal_mode").first?.text("journal_mode") ?? ""
        }
    }

    private static var now: SQLiteValue { .real(Date().timeIntervalSince1970) }

    private static func appendStep(_ db: SQLiteDatabase, _ id: Int64, _ step: String, _ detail: String) throws
    {
        try db.execute(
            "INSERT INTO journal_step (transaction_id, at, step, detail) VALUES (?, ?, ?, ?)",
            [.integer(id), now, .text(step), .text(detail)])
    }

    /// A read: one statement reads one snapshot, so several statements run in one transaction.
    private func reading<T>(_ body: (SQLiteDatabase) throws -> T) throws(RegisterJournalError) -> T {
        do {
            return try connection.withDatabase { db in
                try db.script("BEGIN")
                defer { try? db.script("COMMIT") }
                return try body(db)
            }
        } catch let error as RegisterJournalError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }

    private func write<T>(_ body: (SQLiteDatabase) throws -> T) throws(RegisterJournalError) -> T {
        do {
            return try connection.write(body)
        } catch let error as RegisterJournalError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }
}

/// The journal cannot be used; registerd refuses new transactions rather than lose money state.
public enum RegisterJournalError: Error, Equatable, Sendable, CustomStringConvertible {
    case unusable(path: String, reason: String)
    case failed(String)

    public var description: String {
        switch self {
        case .unusable(let path, let reason):
            return "cannot open the journal \(path): \(reason); check the path and its permissions"
        case .failed(let reason):
            return "journal write failed: \(reason); check the disk"
        }
    }
}
