import Acquirer
import Foundation
import PairPayCore
import PostgresNIO

/// The ``AcquirerStore`` shared by several settlementd instances, in the same PostgreSQL database
/// as the settlement store (tables `acquirer_…`).
///
/// - STANs come from one counter row, advanced in the transaction that records the message, so
///   no two instances ever hand out the same number (the row lock orders them).
/// - An outcome is recorded only while the authorization is still `sent`.
/// - A reversal is claimed (a lease and the attempt count, in one statement) before it is sent.
public final class PostgresAcquirerStore: AcquirerStore {
    let database: PostgresPool

    public var sharing: StoreSharing { .shared }

    /// Uses `database`, applying the acquirer schema's migrations first.
    public init(database: PostgresPool) async throws {
        self.database = database
        try await Self.migrator.migrate(database)
    }

    static var migrator: PostgresMigrator {
        PostgresMigrator(
            name: "acquirer",
            migrations: [
                .init(
                    name: "v1",
                    statements: [
                        "CREATE TABLE acquirer_stan (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL)",
                        "INSERT INTO acquirer_stan (id, value) VALUES (1, 0)",
                        """
                        CREATE TABLE acquirer_authorization (
                            id BIGSERIAL PRIMARY KEY, order_id TEXT NOT NULL, merchant TEXT NOT NULL,
                            terminal TEXT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL, rrn TEXT NOT NULL,
                            amount BIGINT NOT NULL, currency TEXT NOT NULL, masked_pan TEXT NOT NULL,
                            state TEXT NOT NULL, response_code TEXT, approval_code TEXT, recover_after TIMESTAMPTZ)
                        """,
                        "CREATE INDEX acquirer_authorization_order ON acquirer_authorization (order_id, merchant)",
                        "CREATE INDEX acquirer_authorization_sent ON acquirer_authorization (recover_after) WHERE state = 'sent'",
                        """
                        CREATE TABLE acquirer_reversal (
                            authorization_id BIGINT PRIMARY KEY REFERENCES acquirer_authorization (id),
                            stan TEXT NOT NULL, transmission TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
                            acknowledged BOOLEAN NOT NULL DEFAULT FALSE, response_code TEXT,
                            parked_reason TEXT, parked_at TIMESTAMPTZ, resolution_note TEXT, resolved_at TIMESTAMPTZ,
                            lease_until TIMESTAMPTZ)
                        """,
                    ]),
                // Money after the sale (issue 15): captures and refunds, stored before they are sent.
                .init(
                    name: "v2 captures and refunds",
                    statements: [
                        """
                        CREATE TABLE acquirer_post_sale (
                            id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL,
                            authorization_id BIGINT NOT NULL REFERENCES acquirer_authorization (id), key TEXT NOT NULL,
                            amount BIGINT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL, rrn TEXT NOT NULL,
                            state TEXT NOT NULL, response_code TEXT, approval_code TEXT,
                            attempts BIGINT NOT NULL DEFAULT 0, lease_until TIMESTAMPTZ,
                            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                            UNIQUE (authorization_id, kind, key))
                        """,
                        "CREATE INDEX acquirer_post_sale_pending ON acquirer_post_sale (id) WHERE state = 'pending'",
                    ]),
                // End of day: reconciliations with the bank (0500), per batch, terminal and currency.
                .init(
                    name: "v3 reconciliations",
                    statements: [
                        """
                        CREATE TABLE acquirer_reconciliation (
                            batch_id TEXT NOT NULL, terminal TEXT NOT NULL, currency TEXT NOT NULL,
                            merchant TEXT NOT NULL, stan TEXT NOT NULL, transmission TEXT NOT NULL,
                            captured_count BIGINT NOT NULL, captured_amount BIGINT NOT NULL,
                            refunded_count BIGINT NOT NULL, refunded_amount BIGINT NOT NULL,
                            attempts BIGINT NOT NULL DEFAULT 0,
                            bank_captured_count BIGINT, bank_captured_amount BIGINT,
                            bank_refunded_count BIGINT, bank_refunded_amount BIGINT, response_code TEXT,
                            PRIMARY KEY (batch_id, terminal, merchant, currency))
                        """,
                        "ALTER TABLE acquirer_post_sale ADD COLUMN reconciliation_batch TEXT",
                        """
                        CREATE INDEX acquirer_post_sale_unreconciled ON acquirer_post_sale (authorization_id)
                        WHERE reconciliation_batch IS NULL AND state = 'approved'
                        """,
                    ]),
            ])
    }

    public func nextSTAN() async throws -> String {
        try await database.transaction { transaction in try await Self.takeSTAN(transaction) }
    }

    static func takeSTAN(_ transaction: PostgresTransaction) async throws -> String {
        let value =
            try await transaction.query(
                "UPDATE acquirer_stan SET value = value % 999999 + 1 WHERE id = 1 RETURNING value"
            ).first.map { try $0.decode(Int64.self) } ?? 1
        return String(format: "%06lld", value)
    }

    public func insertAuthorization<Extra: Sendable>(
        recoverAfter: Date,
        _ make: @escaping @Sendable (_ stan: String) throws -> (StoredAuthorization, Extra)
    ) async throws -> (id: Int64, authorization: StoredAuthorization, extra: Extra) {
        try await database.transaction { transaction in
            let (authorization, extra) = try make(try await Self.takeSTAN(transaction))
            let a = authorization
            let id = try await transaction.query(
                """
                INSERT INTO acquirer_authorization (order_id, merchant, terminal, stan, transmission, rrn, amount,
                    currency, masked_pan, state, recover_after)
                VALUES (\(a.orderID), \(a.merchant), \(a.terminal), \(a.stan), \(a.transmission), \(a.rrn),
                    \(a.amount), \(a.currency), \(a.maskedPAN), 'sent', \(recoverAfter))
                RETURNING id
                """
            ).first.map { try $0.decode(Int64.self) }
            guard let id else { throw PostgresStoreError.unreachable("the authorization was not recorded") }
            return (id, authorization, extra)
        }
    }

    public func finish(
        _ id: Int64, state: String, responseCode: String?, approvalCode: String?
    ) async throws
        -> Bool
    {
        try await !database.query(
            """
            UPDATE acquirer_authorization SET state = \(state), response_code = \(responseCode),
                approval_code = \(approvalCode)
            WHERE id = \(id) AND state = 'sent' RETURNING 1
            """
        ).isEmpty
    }

    public func authorization(_ id: Int64) async throws -> StoredAuthorization? {
        try await database.query("SELECT * FROM acquirer_authorization WHERE id = \(id)").first.map(
            Self.storedAuthorization)
    }

    public func authorizations() async throws -> [StoredAuthorization] {
        try await database.query("SELECT * FROM acquirer_authorization ORDER BY id").map(
            Self.storedAuthorization)
    }

    public func approvedAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization?
    {
        try await database.query(
            """
            SELECT * FROM acquirer_authorization
            WHERE order_id = \(orderID) AND merchant = \(merchant) AND state = 'approved'
            ORDER BY id DESC LIMIT 1
            """
        ).first.map(Self.storedAuthorization)
    }

    public func latestAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization? {
        try await database.query(
            """
            SELECT * FROM acquirer_authorization WHERE order_id = \(orderID) AND merchant = \(merchant)
            ORDER BY id DESC LIMIT 1
            """
        ).first.map(Self.storedAuthorization)
    }

    public func interruptedAuthorizations(overdueAt: Date?) async throws -> [Int64] {
        guard let overdueAt else {
            return try await database.query(
                "SELECT id FROM acquirer_authorization WHERE state = 'sent' ORDER BY id"
            ).map { try $0.decode(Int64.self) }
        }
        return try await database.query(
            """
            SELECT id FROM acquirer_authorization
            WHERE state = 'sent' AND (recover_after IS NULL OR recover_after <= \(overdueAt)) ORDER BY id
            """
        ).map { try $0.decode(Int64.self) }
    }

    static func storedAuthorization(_ row: PostgresRow) throws -> StoredAuthorization {
        StoredAuthorization(
            id: try row.column("id"), orderID: try row.column("order_id"),
            merchant: try row.column("merchant"),
            terminal: try row.column("terminal"), stan: try row.column("stan"),
            transmission: try row.column("transmission"), rrn: try row.column("rrn"),
            amount: try row.column("amount"), currency: try row.column("currency"),
            maskedPAN: try row.column("masked_pan"), state: try row.column("state"),
            responseCode: try row.column("response_code"), approvalCode: try row.column("approval_code"))
    }
}
