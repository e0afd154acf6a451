import GRDB

extension SQLiteSettlementStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE settlement_order (
                        merchant_id TEXT NOT NULL, order_id TEXT NOT NULL, state TEXT NOT NULL,
                        expires_at REAL NOT NULL, updated_at REAL NOT NULL, record TEXT NOT NULL,
                        PRIMARY KEY (merchant_id, order_id));
                    CREATE INDEX settlement_order_state ON settlement_order (state, expires_at);
                    CREATE TABLE audit_entry (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, merchant_id TEXT NOT NULL, order_id TEXT NOT NULL,
                        from_state TEXT, to_state TEXT NOT NULL, event TEXT NOT NULL, at REAL NOT NULL);
                    CREATE INDEX audit_entry_order ON audit_entry (merchant_id, order_id);
                    CREATE TABLE merchant (
                        id TEXT PRIMARY KEY, acquirer_merchant_id TEXT NOT NULL, terminal_id TEXT,
                        push_url TEXT, push_secret BLOB);
                    CREATE TABLE app_user (
                        id TEXT PRIMARY KEY, password_hash TEXT, failed_attempts INTEGER NOT NULL DEFAULT 0,
                        locked_until REAL);
                    CREATE TABLE mac_key (
                        key_id TEXT PRIMARY KEY, owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL, key BLOB NOT NULL);
                    CREATE TABLE client_certificate (
                        fingerprint TEXT PRIMARY KEY, owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL);
                    CREATE TABLE request_nonce (
                        key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at REAL NOT NULL,
                        PRIMARY KEY (key_id, nonce));
                    CREATE TABLE vaulted_card (
                        reference TEXT PRIMARY KEY, user_id TEXT NOT NULL, sealed BLOB NOT NULL,
                        last4 TEXT NOT NULL, created_at REAL NOT NULL);
                    CREATE TABLE push_delivery (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, merchant_id TEXT NOT NULL, order_id TEXT NOT NULL,
                        result_id TEXT NOT NULL, body BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL, delivered_at REAL, last_http_status INTEGER, created_at REAL NOT NULL,
                        UNIQUE (merchant_id, result_id));
                    """)
        }
        // The push sender asks for due deliveries several times a second: a partial index keeps
        // that a lookup of the few undelivered rows, however long the delivery history grows.
        migrator.registerMigration("v2-push-due-index") { db in
            try db.execute(
                sql: """
                    CREATE INDEX push_delivery_due ON push_delivery (next_attempt_at)
                    WHERE delivered_at IS NULL
                    """)
        }
        // Issue 13: every order write is conditional on the version it was read at, and an order in
        // authorization carries the deadline after which it counts as abandoned.
        migrator.registerMigration("v3-versions-and-deadlines") { db in
            try db.execute(
                sql: """
                    ALTER TABLE settlement_order ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE settlement_order ADD COLUMN recover_after REAL;
                    """)
        }
        // Issue 15: refunds, each unique per merchant by the store's refund id.
        migrator.registerMigration("v4-refunds") { db in
            try db.execute(
                sql: """
                    CREATE TABLE settlement_refund (
                        merchant_id TEXT NOT NULL, refund_id TEXT NOT NULL, order_id TEXT NOT NULL,
                        state TEXT NOT NULL, updated_at REAL NOT NULL, record TEXT NOT NULL,
                        PRIMARY KEY (merchant_id, refund_id));
                    CREATE INDEX settlement_refund_order ON settlement_refund (merchant_id, order_id);
                    CREATE INDEX settlement_refund_pending ON settlement_refund (updated_at) WHERE state = 'pending';
                    """)
        }
        // When a merchant's sales are captured: at the batch close (the default) or at once.
        migrator.registerMigration("v5-capture-mode") { db in
            try db.execute(
                sql: "ALTER TABLE merchant ADD COLUMN capture_mode TEXT NOT NULL DEFAULT 'end-of-day'")
        }
        migrator.registerMigration("v6-lanes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE merchant_lane (
                        merchant_id TEXT NOT NULL REFERENCES merchant (id), lane_id TEXT NOT NULL,
                        terminal_id TEXT NOT NULL, push_url TEXT, push_secret BLOB,
                        PRIMARY KEY (merchant_id, lane_id));
                    CREATE UNIQUE INDEX merchant_lane_terminal ON merchant_lane (merchant_id, terminal_id);
                    ALTER TABLE push_delivery ADD COLUMN lane_id TEXT;
                    """)
        }
        migrator.registerMigration("v7-batches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE batch_entry (
                        merchant_id TEXT NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL,
                        order_id TEXT NOT NULL, lane_id TEXT NOT NULL, currency TEXT NOT NULL,
                        amount INTEGER NOT NULL, batch_id TEXT,
                        PRIMARY KEY (merchant_id, kind, reference));
                    CREATE INDEX batch_entry_open ON batch_entry (merchant_id, lane_id) WHERE batch_id IS NULL;
                    CREATE INDEX batch_entry_batch ON batch_entry (merchant_id, batch_id);
                    CREATE TABLE settlement_batch (
                        merchant_id TEXT NOT NULL, batch_id TEXT NOT NULL, lane_id TEXT,
                        closed_at REAL NOT NULL, report TEXT, PRIMARY KEY (merchant_id, batch_id));
                    """)
        }
        // Issue 14: an order in columns, its nested values as JSON each, instead of one JSON record
        // encoded whole on every save. Every stored order is moved over in this one transaction.
        migrator.registerMigration("v8-order-columns") { db in
            try db.execute(
                sql: """
                    ALTER TABLE settlement_order ADD COLUMN contents TEXT;
                    ALTER TABLE settlement_order ADD COLUMN requested_expiry_seconds INTEGER;
                    ALTER TABLE settlement_order ADD COLUMN first_fingerprint TEXT;
                    ALTER TABLE settlement_order ADD COLUMN claim TEXT;
                    ALTER TABLE settlement_order ADD COLUMN lane_id TEXT;
                    ALTER TABLE settlement_order ADD COLUMN user_id TEXT;
                    ALTER TABLE settlement_order ADD COLUMN second_fingerprint TEXT;
                    ALTER TABLE settlement_order ADD COLUMN sealed_pending_card BLOB;
                    ALTER TABLE settlement_order ADD COLUMN card_last4 TEXT;
                    ALTER TABLE settlement_order ADD COLUMN authorization_id INTEGER;
                    ALTER TABLE settlement_order ADD COLUMN result TEXT;
                    ALTER TABLE settlement_order ADD COLUMN created_at REAL NOT NULL DEFAULT 0;
                    """)
            let update = try db.makeStatement(
                sql: """
                    UPDATE settlement_order SET contents = ?, requested_expiry_seconds = ?, first_fingerprint = ?,
                        claim = ?, lane_id = ?, user_id = ?, second_fingerprint = ?, sealed_pending_card = ?,
                        card_last4 = ?, authorization_id = ?, result = ?, created_at = ?
                    WHERE rowid = ?
                    """)
            // A thousand rows at a time, so a long history is not held in memory at once.
            var last: Int64 = 0
            while true {
                let rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT rowid, record FROM settlement_order WHERE rowid > ? ORDER BY rowid LIMIT 1000",
                    arguments: [last])
                guard let end = rows.last else { break }
                for row in rows {
                    let order = try StoredOrderColumns.legacyRecord(row[1], version: 0)
                    let columns = try StoredOrderColumns(order, encoding: .all)
                    try update.execute(arguments: [
                        columns.contents, columns.requestedExpirySeconds, columns.firstFingerprint,
                        columns.claim,
                        columns.laneID, columns.userID, columns.secondFingerprint, columns.sealedPendingCard,
                        columns.cardLast4, columns.authorizationID, columns.result,
                        columns.createdAt.timeIntervalSince1970, row[0] as Int64,
                    ])
                }
                last = end[0]
            }
            try db.execute(sql: "ALTER TABLE settlement_order DROP COLUMN record")
        }
        // Issue 16: request-MAC keys get dates: added, given an end (a rotation's overlap),
        // retired (refused at once); keys from before have no creation date. A client certificate
        // can be revoked (a deny list by fingerprint, read on every request).
        migrator.registerMigration("v9-credential-lifetimes") { db in
            try db.execute(
                sql: """
                    ALTER TABLE mac_key ADD COLUMN created_at REAL;
                    ALTER TABLE mac_key ADD COLUMN expires_at REAL;
                    ALTER TABLE mac_key ADD COLUMN retired_at REAL;
                    CREATE INDEX mac_key_owner ON mac_key (owner_kind, owner_id);
                    ALTER TABLE client_certificate ADD COLUMN revoked_at REAL;
                    """)
        }
        return migrator
    }
}
