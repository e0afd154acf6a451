import DurableSQLite
import Foundation
import GRDB

/// The issuer's durable state in one SQLite file: answered requests (for duplicate detection),
/// holds (active, released or captured), and an append-only ledger of every authorization,
/// reversal, capture and refund.
///
/// The file is opened in WAL mode with `synchronous=FULL`, so an answered request survives a crash
/// of the process or the machine, and `banksim ledger export` can read it while `banksim serve` runs.
public final class IssuerLedger: Sendable {
    let database: DatabaseQueue
    /// Every write goes through it: concurrent requests' answers share a commit and its fsync.
    let writer: GroupCommitWriter

    /// Opens (creating if needed) the ledger at `path`.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated.
    public init(path: String) throws {
        database = try DurableDatabase.open(path: path, migrator: Self.migrator)
        writer = GroupCommitWriter(database: database)
    }

    /// The `journal_mode` and `synchronous` pragmas in force, for tests and `banksim ledger holds`.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try DurableDatabase.durabilitySettings(of: database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE answered_request (
                        terminal TEXT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL,
                        fingerprint TEXT NOT NULL, response BLOB NOT NULL,
                        PRIMARY KEY (terminal, stan, transmission));
                    CREATE TABLE hold (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        account_id TEXT NOT NULL, masked_pan TEXT NOT NULL,
                        amount INTEGER NOT NULL, currency TEXT NOT NULL,
                        terminal TEXT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL,
                        rrn TEXT NOT NULL, approval_code TEXT NOT NULL,
                        status TEXT NOT NULL, created_at TEXT NOT NULL, released_at TEXT,
                        UNIQUE (terminal, stan, transmission));
                    CREATE INDEX hold_account ON hold (account_id, status);
                    CREATE TABLE reversed_original (
                        terminal TEXT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL,
                        PRIMARY KEY (terminal, stan, transmission));
                    CREATE TABLE ledger_entry (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, event TEXT NOT NULL,
                        mti TEXT NOT NULL, account_id TEXT, masked_pan TEXT,
                        amount INTEGER, currency TEXT,
                        terminal TEXT, stan TEXT, transmission TEXT, rrn TEXT,
                        approval_code TEXT, response_code TEXT NOT NULL, hold_id INTEGER);
                    """)
        }
        migrator.registerMigration("v2 capture and refund") { db in
            try db.execute(
                sql: """
                    ALTER TABLE hold ADD COLUMN captured_amount INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE hold ADD COLUMN refunded_amount INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE hold ADD COLUMN captured_at TEXT;
                    """)
        }
        // Issue 15: postings (money moved by a capture or refund) and the acquirer
        // reconciliations (0500) that close them, per terminal and currency.
        migrator.registerMigration("v3 postings and reconciliation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE posting (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, hold_id INTEGER NOT NULL,
                        terminal TEXT NOT NULL, merchant TEXT NOT NULL, currency TEXT NOT NULL,
                        amount INTEGER NOT NULL, at TEXT NOT NULL, reconciliation_id INTEGER);
                    CREATE INDEX posting_open ON posting (terminal, merchant, currency) WHERE reconciliation_id IS NULL;
                    CREATE TABLE reconciliation (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, terminal TEXT NOT NULL, merchant TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        captured_count INTEGER NOT NULL, captured_amount INTEGER NOT NULL,
                        refunded_count INTEGER NOT NULL, refunded_amount INTEGER NOT NULL,
                        response_code TEXT NOT NULL, at TEXT NOT NULL);
                    """)
        }
        return migrator
    }
}
