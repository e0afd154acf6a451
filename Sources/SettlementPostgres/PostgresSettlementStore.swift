import Foundation
import Logging
import PairPayCore
import PostgresNIO
import Settlement

/// The ``SettlementStore`` shared by several settlementd instances: one PostgreSQL database.
///
/// The same schema and promises as ``SQLiteSettlementStore``, plus what sharing needs: every order
/// update is conditional on the version it was read at (of two instances deciding one order, one
/// write lands and the other gets ``SettlementStoreError/concurrentChange`` and reads again), the
/// push outbox is claimed row by row with `FOR UPDATE SKIP LOCKED`, and password failures are
/// counted by one statement each, so instances never lose a count between them.
public final class PostgresSettlementStore: Sendable {
    let database: PostgresPool
    let passwordHasher: PasswordHasher
    /// Where password hashes are made and checked: threads of their own, bounded.
    public let passwordWorkers: PasswordWorkers

    /// Uses `database`, applying the settlement schema's migrations first (once, however many
    /// instances start together).
    public init(
        database: PostgresPool, passwordHasher: PasswordHasher = .standard,
        passwordWorkers: PasswordWorkers = .standard
    ) async throws {
        self.database = database
        self.passwordHasher = passwordHasher
        self.passwordWorkers = passwordWorkers
        try await Self.migrator.migrate(database)
    }

    static var migrator: PostgresMigrator {
        PostgresMigrator(
            name: "settlement",
            migrations: [
                .init(
                    name: "v1",
                    statements: [
                        """
                        CREATE TABLE settlement_order (
                            merchant_id TEXT NOT NULL, order_id TEXT NOT NULL, state TEXT NOT NULL,
                            expires_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
                            recover_after TIMESTAMPTZ, version BIGINT NOT NULL DEFAULT 0, record TEXT NOT NULL,
                            PRIMARY KEY (merchant_id, order_id))
                        """,
                        "CREATE INDEX settlement_order_state ON settlement_order (state, expires_at)",
                        """
                        CREATE TABLE audit_entry (
                            id BIGSERIAL PRIMARY KEY, merchant_id TEXT NOT NULL, order_id TEXT NOT NULL,
                            from_state TEXT, to_state TEXT NOT NULL, event TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)
                        """,
                        "CREATE INDEX audit_entry_order ON audit_entry (merchant_id, order_id)",
                        """
                        CREATE TABLE merchant (
                            id TEXT PRIMARY KEY, acquirer_merchant_id TEXT NOT NULL, terminal_id TEXT,
                            push_url TEXT, push_secret BYTEA)
                        """,
                        """
                        CREATE TABLE app_user (
                            id TEXT PRIMARY KEY, password_hash TEXT, failed_attempts BIGINT NOT NULL DEFAULT 0,
                            locked_until TIMESTAMPTZ)
                        """,
                        """
                        CREATE TABLE mac_key (
                            key_id TEXT PRIMARY KEY, owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL,
                            key BYTEA NOT NULL)
                        """,
                        """
                        CREATE TABLE client_certificate (
                            fingerprint TEXT PRIMARY KEY, owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL)
                        """,
                        """
                        CREATE TABLE request_nonce (
                            key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL,
                            PRIMARY KEY (key_id, nonce))
                        """,
                        """
                        CREATE TABLE vaulted_card (
                            reference TEXT PRIMARY KEY, user_id TEXT NOT NULL, sealed BYTEA NOT NULL,
                            last4 TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)
                        """,
                        "CREATE INDEX vaulted_card_user ON vaulted_card (user_id, created_at)",
                        """
                        CREATE TABLE push_delivery (
                            id BIGSERIAL PRIMARY KEY, merchant_id TEXT NOT NULL, order_id TEXT NOT NULL,
                            result_id TEXT NOT NULL, body BYTEA NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
                            next_attempt_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ, last_http_status BIGINT,
                            created_at TIMESTAMPTZ NOT NULL, UNIQUE (merchant_id, result_id))
                        """,
                        "CREATE INDEX push_delivery_due ON push_delivery (next_attempt_at) WHERE delivered_at IS NULL",
                        """
                        CREATE INDEX settlement_order_authorizing ON settlement_order (recover_after)
                        WHERE state = 'authorizing'
                        """,
                    ]),
                // Field 42 finds a merchant's authorizations again: never shared. A database that
                // already has two merchants with one acquirer merchant id stops here, naming the
                // index; give one of them its own id (docs/OPERATOR.md) and start again.
                .init(
                    name: "v2-unique-acquirer-merchant-id",
                    statements: [
                        "CREATE UNIQUE INDEX merchant_acquirer_id ON merchant (acquirer_merchant_id)"
                    ]),
                // Issue 15: refunds, each unique per merchant by the store's refund id.
                .init(
                    name: "v3-refunds",
                    statements: [
                        """
                        CREATE TABLE settlement_refund (
                            merchant_id TEXT NOT NULL, refund_id TEXT NOT NULL, order_id TEXT NOT NULL,
                            state TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL, record TEXT NOT NULL,
                            created BIGSERIAL, PRIMARY KEY (merchant_id, refund_id))
                        """,
                        "CREATE INDEX settlement_refund_order ON settlement_refund (merchant_id, order_id)",
                        "CREATE INDEX settlement_refund_pending ON settlement_refund (updated_at) WHERE state = 'pending'",
                    ]),
                // When a merchant's sales are captured: at the batch close (the default) or at once.
                .init(
                    name: "v4-capture-mode",
                    statements: [
                        "ALTER TABLE merchant ADD COLUMN capture_mode TEXT NOT NULL DEFAULT 'end-of-day'"
                    ]),
                // Register lanes: a terminal id and a push endpoint per registerd.
                .init(
                    name: "v5-lanes",
                    statements: [
                        """
                        CREATE TABLE merchant_lane (
                            merchant_id TEXT NOT NULL REFERENCES merchant (id), lane_id TEXT NOT NULL,
                            terminal_id TEXT NOT NULL, push_url TEXT, push_secret BYTEA,
                            PRIMARY KEY (merchant_id, lane_id))
                        """,
                        "CREATE UNIQUE INDEX merchant_lane_terminal ON merchant_lane (merchant_id, terminal_id)",
                        "ALTER TABLE push_delivery ADD COLUMN lane_id TEXT",
                    ]),
                // The batch ledger: one entry per approved sale, void and refund, closed into batches.
                .init(
                    name: "v6-batches",
                    statements: [
                        """
                        CREATE TABLE batch_entry (
                            merchant_id TEXT NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL,
                            order_id TEXT NOT NULL, lane_id TEXT NOT NULL, currency TEXT NOT NULL,
                            amount BIGINT NOT NULL, batch_id TEXT,
                            PRIMARY KEY (merchant_id, kind, reference))
                        """,
                        "CREATE INDEX batch_entry_open ON batch_entry (merchant_id, lane_id) WHERE batch_id IS NULL",
                        "CREATE INDEX batch_entry_batch ON batch_entry (merchant_id, batch_id)",
                        """
                        CREATE TABLE settlement_batch (
                            merchant_id TEXT NOT NULL, batch_id TEXT NOT NULL, lane_id TEXT,
                            closed_at TIMESTAMPTZ NOT NULL, report TEXT, PRIMARY KEY (merchant_id, batch_id))
                        """,
                    ]),
                // Issue 14: an order in columns, its nested values as JSON each, instead of one JSON
                // record encoded whole on every save. The stored orders move over in this migration's
                // transaction (the JSON names are OrderRecord's coding keys, dates seconds since 1970,
                // the sealed card standard base64).
                .init(
                    name: "v7-order-columns",
                    statements: [
                        """
                        ALTER TABLE settlement_order ADD COLUMN contents TEXT,
                            ADD COLUMN requested_expiry_seconds BIGINT, ADD COLUMN first_fingerprint TEXT,
                            ADD COLUMN claim TEXT, ADD COLUMN lane_id TEXT, ADD COLUMN user_id TEXT,
                            ADD COLUMN second_fingerprint TEXT, ADD COLUMN sealed_pending_card BYTEA,
                            ADD COLUMN card_last4 TEXT, ADD COLUMN authorization_id BIGINT,
                            ADD COLUMN result TEXT, ADD COLUMN created_at TIMESTAMPTZ
                        """,
                        """
                        UPDATE settlement_order o SET
                            contents = NULLIF(s.j -> 'contents', 'null'::jsonb)::text,
                            requested_expiry_seconds = (s.j ->> 'requestedExpirySeconds')::bigint,
                            first_fingerprint = s.j ->> 'firstFingerprint',
                            claim = NULLIF(s.j -> 'claim', 'null'::jsonb)::text,
                            lane_id = s.j ->> 'laneID', user_id = s.j ->> 'userID',
                            second_fingerprint = s.j ->> 'secondFingerprint',
                            sealed_pending_card = decode(s.j ->> 'sealedPendingCard', 'base64'),
                            card_last4 = s.j ->> 'cardLast4',
                            authorization_id = (s.j -> 'authorization' ->> 'id')::bigint,
                            result = NULLIF(s.j -> 'result', 'null'::jsonb)::text,
                            created_at = to_timestamp((s.j ->> 'createdAt')::float8)
                        FROM (SELECT merchant_id, order_id, record::jsonb AS j FROM settlement_order) s
                        WHERE o.merchant_id = s.merchant_id AND o.order_id = s.order_id
                        """,
                        "ALTER TABLE settlement_order ALTER COLUMN created_at SET NOT NULL, DROP COLUMN record",
                    ]),
                // Issue 16: request-MAC keys get dates: added, given an end (a rotation's overlap),
                // retired (refused at once); keys from before have no creation date. A client
                // certificate can be revoked (a deny list by fingerprint, read on every request).
                .init(
                    name: "v8-credential-lifetimes",
                    statements: [
                        """
                        ALTER TABLE mac_key ADD COLUMN created_at TIMESTAMPTZ,
                            ADD COLUMN expires_at TIMESTAMPTZ, ADD COLUMN retired_at TIMESTAMPTZ
                        """,
                        "CREATE INDEX mac_key_owner ON mac_key (owner_kind, owner_id)",
                        "ALTER TABLE client_certificate ADD COLUMN revoked_at TIMESTAMPTZ",
                    ]),
            ])
    }
}
