import DurableSQLite
import Foundation
import GRDB
import RegisterProtocol

/// registerd's durable journal: every sale and void, each step of it, and the totals period, in
/// one SQLite file (WAL, `synchronous=FULL`), so a `kill -9` or a power cut loses nothing that
/// was acknowledged. Requests and results are kept as their protocol payloads (`hw/PROTOCOL.md`):
/// the register link never carries card data, so neither does the journal.
public final class RegisterJournal: Sendable {
    let database: DatabaseQueue

    /// Opens (creating if needed) the journal at `path`.
    /// - Throws: ``RegisterJournalError`` when the file cannot be opened or migrated.
    public init(path: String) throws(RegisterJournalError) {
        do {
            database = try DurableDatabase.open(path: path, migrator: Self.migrator)
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
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
                    """)
        }
        // Refunds (issue 15): the kind's CHECK admits 'refund'. SQLite cannot alter a CHECK, so
        // the table is rebuilt under the same name (ids, and the steps that refer to them, kept).
        migrator.registerMigration("v2-refunds") { db in
            try db.execute(
                sql: """
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
                    """)
        }
        migrator.registerMigration("v3-end-of-day") { db in
            try db.execute(
                sql: """
                    CREATE TABLE end_of_day (
                        batch_id TEXT PRIMARY KEY, first_period INTEGER NOT NULL, last_period INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('closing', 'closed')),
                        started_at REAL NOT NULL, closed_at REAL);
                    """)
        }
        return migrator
    }

    /// Everything journaled, oldest first, and the current totals period.
    public func load() throws(RegisterJournalError) -> (records: [TransactionRecord], period: Int) {
        do {
            return try database.read { db in
                let period = try Int.fetchOne(db, sql: "SELECT number FROM totals_period WHERE id = 1") ?? 1
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM register_transaction ORDER BY id")
                return (try rows.map(Self.record(from:)), period)
            }
        } catch let error as RegisterJournalError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }

    private static func record(from row: Row) throws -> TransactionRecord {
        let request: [UInt8] = Array(row["request"] as Data)
        let kind: TransactionRecord.Kind
        switch row["kind"] as String {
        case "sale": kind = .sale(try Sale(fields: FieldReader<Field>(request)))
        case "refund": kind = .refund(try Refund(fields: FieldReader<Field>(request)))
        default: kind = .void(try VoidRequest(fields: FieldReader<Field>(request)))
        }
        let result = try (row["result"] as Data?).map {
            try TransactionResult(fields: FieldReader<Field>(Array($0)))
        }
        var record = TransactionRecord(
            kind: kind, receipt: row["receipt"], orderID: row["order_id"], result: result,
            period: row["period"],
            journalID: row["id"], registered: row["registered"] as Bool)
        record.createdAt = (row["created_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        return record
    }

    /// Every transaction of the journal at `path`, opened read-only: for an operator's
    /// reconciliation while registerd runs (WAL lets it read a consistent snapshot beside the
    /// writer; nothing is migrated or changed).
    /// - Throws: ``RegisterJournalError`` when the file cannot be read as a journal.
    public static func readOnlyRecords(path: String) throws(RegisterJournalError) -> [TransactionRecord] {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: path, configuration: configuration)
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM register_transaction ORDER BY id").map(record(from:))
            }
        } catch let error as RegisterJournalError {
            throw error
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
                sql: """
                    INSERT INTO register_transaction (kind, receipt, order_id, request, period, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    kind, record.receipt, record.orderID, Data(request), record.period,
                    Date().timeIntervalSince1970,
                ])
            let id = db.lastInsertedRowID
            try Self.appendStep(
                db, id, "opened", "\(kind) receipt \(record.receipt) order \(record.orderID ?? "-")")
            return id
        }
    }

    /// Notes that the order reached the settlement server.
    func markRegistered(_ id: Int64) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                sql: "UPDATE register_transaction SET registered = 1 WHERE id = ?", arguments: [id])
            try Self.appendStep(db, id, "registered", "")
        }
    }

    /// Journals the result of a transaction; it is complete from now on.
    func complete(_ id: Int64, with result: TransactionResult) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                sql:
                    "UPDATE register_transaction SET result = ?, completed_at = ? WHERE id = ? AND result IS NULL",
                arguments: [Data(result.payload), Date().timeIntervalSince1970, id])
            guard db.changesCount == 1 else {
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
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM end_of_day ORDER BY last_period").map {
                    EndOfDayRecord(
                        batchID: $0["batch_id"], firstPeriod: $0["first_period"],
                        lastPeriod: $0["last_period"],
                        state: EndOfDayRecord.State(rawValue: $0["state"]) ?? .closing)
                }
            }
        } catch {
            throw .failed("\(error)")
        }
    }

    /// Journals an END OF DAY as `closing`, before the settlement server is asked.
    func beginEndOfDay(_ record: EndOfDayRecord) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO end_of_day (batch_id, first_period, last_period, state, started_at)
                    VALUES (?, ?, ?, 'closing', ?)
                    """,
                arguments: [
                    record.batchID, record.firstPeriod, record.lastPeriod, Date().timeIntervalSince1970,
                ])
        }
    }

    /// Marks the END OF DAY `closed` and starts period `next`, in one write.
    func finishEndOfDay(_ batchID: String, nextPeriod next: Int) throws(RegisterJournalError) {
        try write { db in
            try db.execute(
                sql: "UPDATE end_of_day SET state = 'closed', closed_at = ? WHERE batch_id = ?",
                arguments: [Date().timeIntervalSince1970, batchID])
            try db.execute(sql: "UPDATE totals_period SET number = ? WHERE id = 1", arguments: [next])
        }
    }

    /// Starts the next totals period.
    func setPeriod(_ number: Int) throws(RegisterJournalError) {
        try write { db in
            try db.execute(sql: "UPDATE totals_period SET number = ? WHERE id = 1", arguments: [number])
        }
    }

    /// The steps journaled for a transaction, oldest first (for tests and the operator).
    public func steps(of id: Int64) throws(RegisterJournalError) -> [String] {
        do {
            return try database.read { db in
                try String.fetchAll(
                    db, sql: "SELECT step FROM journal_step WHERE transaction_id = ? ORDER BY id",
                    arguments: [id])
            }
        } catch {
            throw .failed("\(error)")
        }
    }

    /// The steps journaled for a transaction with their details, oldest first, as `step detail`
    /// (for example `result via query`).
    public func stepDetails(of id: Int64) throws(RegisterJournalError) -> [String] {
        do {
            return try database.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT step, detail FROM journal_step WHERE transaction_id = ? ORDER BY id",
                    arguments: [id]
                ).map { row in
                    let detail: String = row["detail"]
                    let step: String = row["step"]
                    return detail.isEmpty ? step : "\(step) \(detail)"
                }
            }
        } catch {
            throw .failed("\(error)")
        }
    }

    /// The connection's `synchronous` setting (2 is FULL).
    public func synchronousSetting() throws -> Int {
        try DurableDatabase.synchronousSetting(of: database)
    }

    private static func appendStep(_ db: Database, _ id: Int64, _ step: String, _ detail: String) throws {
        try db.execute(
            sql: "INSERT INTO journal_step (transaction_id, at, step, detail) VALUES (?, ?, ?, ?)",
            arguments: [id, Date().timeIntervalSince1970, step, detail])
    }

    private func write<T>(_ body: (Database) throws -> T) throws(RegisterJournalError) -> T {
        do {
            return try database.write(body)
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
