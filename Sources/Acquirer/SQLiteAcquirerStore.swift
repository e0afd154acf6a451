import DurableSQLite
import Foundation
import GRDB
import PairPayCore

/// The embedded ``AcquirerStore``: one SQLite file, one settlementd.
///
/// WAL mode with `synchronous=FULL`: a STAN handed out or a reversal queued is on disk before
/// the message is sent. Every access runs on GRDB's own queue, never on Swift's cooperative pool;
/// writes go through a ``GroupCommitWriter`` (concurrent authorizations share a commit), and a
/// money write is never interrupted half-way by a caller that went away.
public final class SQLiteAcquirerStore: AcquirerStore {
    let database: DatabaseQueue
    /// Every write goes through it: concurrent authorizations' writes share a commit and its fsync.
    let writer: GroupCommitWriter

    /// One settlementd owns the file (the operator's `pairpay reversals` may read and edit it
    /// meanwhile: SQLite's WAL lets them share it).
    public var sharing: StoreSharing { .exclusive }

    /// Opens (creating if needed) the store at `path`.
    /// - Parameter releasingLeases: give back the reversals a previous run had claimed for
    ///   sending (that run is gone). Only the settlementd that owns the file passes `true`; the
    ///   operator's `pairpay reversals`, opening it meanwhile, must not.
    public init(path: String, releasingLeases: Bool = false) throws {
        database = try DurableDatabase.open(path: path, migrator: Self.migrator)
        writer = GroupCommitWriter(database: database)
        if releasingLeases {
            try database.write { db in
                try db.executeCached(
                    sql: "UPDATE pending_reversal SET lease_until = NULL WHERE lease_until IS NOT NULL")
                try db.executeCached(
                    sql: "UPDATE post_sale SET lease_until = NULL WHERE lease_until IS NOT NULL")
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE stan_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                    INSERT INTO stan_counter (id, value) VALUES (1, 0);
                    CREATE TABLE authorization (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        order_id TEXT NOT NULL, merchant TEXT NOT NULL, terminal TEXT NOT NULL,
                        stan TEXT NOT NULL, transmission TEXT NOT NULL, rrn TEXT NOT NULL,
                        amount INTEGER NOT NULL, currency TEXT NOT NULL, masked_pan TEXT NOT NULL,
                        state TEXT NOT NULL, response_code TEXT, approval_code TEXT);
                    CREATE TABLE pending_reversal (
                        authorization_id INTEGER PRIMARY KEY REFERENCES authorization(id),
                        stan TEXT NOT NULL, transmission TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                        acknowledged INTEGER NOT NULL DEFAULT 0, response_code TEXT);
                    """)
        }
        // A reversal that can never be sent is parked (with the reason) instead of holding up the
        // queue; the operator retries it or records how it was settled outside PairPay.
        migrator.registerMigration("v2 parked reversals") { db in
            try db.execute(
                sql: """
                    ALTER TABLE pending_reversal ADD COLUMN parked_reason TEXT;
                    ALTER TABLE pending_reversal ADD COLUMN parked_at REAL;
                    ALTER TABLE pending_reversal ADD COLUMN resolution_note TEXT;
                    ALTER TABLE pending_reversal ADD COLUMN resolved_at REAL;
                    """)
        }
        // The same schema as the shared (PostgreSQL) store: an authorization's take-over deadline
        // and a reversal's sending lease (issue 13).
        migrator.registerMigration("v3 deadlines and leases") { db in
            try db.execute(
                sql: """
                    ALTER TABLE authorization ADD COLUMN recover_after REAL;
                    ALTER TABLE pending_reversal ADD COLUMN lease_until REAL;
                    """)
        }
        // Money after the sale (issue 15): captures and refunds, stored before they are sent.
        migrator.registerMigration("v4 captures and refunds") { db in
            try db.execute(
                sql: """
                    CREATE TABLE post_sale (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
                        authorization_id INTEGER NOT NULL REFERENCES authorization(id), key TEXT NOT NULL,
                        amount INTEGER NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL, rrn TEXT NOT NULL,
                        state TEXT NOT NULL, response_code TEXT, approval_code TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0, lease_until REAL, created_at REAL NOT NULL,
                        UNIQUE (authorization_id, kind, key));
                    CREATE INDEX post_sale_pending ON post_sale (state) WHERE state = 'pending';
                    """)
        }
        migrator.registerMigration("v5 reconciliations") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reconciliation (
                        batch_id TEXT NOT NULL, terminal TEXT NOT NULL, currency TEXT NOT NULL,
                        merchant TEXT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL,
                        captured_count INTEGER NOT NULL, captured_amount INTEGER NOT NULL,
                        refunded_count INTEGER NOT NULL, refunded_amount INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        bank_captured_count INTEGER, bank_captured_amount INTEGER,
                        bank_refunded_count INTEGER, bank_refunded_amount INTEGER, response_code TEXT,
                        PRIMARY KEY (batch_id, terminal, merchant, currency));
                    ALTER TABLE post_sale ADD COLUMN reconciliation_batch TEXT;
                    CREATE INDEX post_sale_unreconciled ON post_sale (authorization_id)
                        WHERE reconciliation_batch IS NULL AND state = 'approved';
                    """)
        }
        return migrator
    }

    public func nextSTAN() async throws -> String {
        try await writer.write { db in try Self.takeSTAN(db) }
    }

    /// Advances the STAN counter inside the caller's transaction and returns the new number, so a
    /// message's STAN and its record are committed together (one durable commit, not two).
    static func takeSTAN(_ db: Database) throws -> String {
        try db.executeCached(sql: "UPDATE stan_counter SET value = value % 999999 + 1 WHERE id = 1")
        let value =
            try Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM stan_counter WHERE id = 1")) ?? 1
        return String(format: "%06d", value)
    }

    /// The `journal_mode` and `synchronous` in force.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try DurableDatabase.durabilitySettings(of: database)
    }
}
