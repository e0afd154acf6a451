import Foundation
import PostgresNIO
import Settlement

extension PostgresSettlementStore: NonceStore, PushOutbox, VaultStore {
    /// Committed with `synchronous_commit` off for this transaction only: the request's own
    /// durable commit, if it makes one, flushes the write-ahead log up to and past this nonce
    /// (the same promise as the SQLite store's, see ``NonceStore``).
    public func recordNonce(_ nonce: String, keyID: String, expiresAt: Date) async throws -> Bool {
        try await !database.query(Self.nonceInsert(nonce, keyID: keyID, expiresAt: expiresAt)).isEmpty
    }

    /// The nonce in one statement, one round trip: its own implicit transaction, committed with
    /// `synchronous_commit` off. `set_config(…, true)` sets it for the current transaction only, and
    /// PostgreSQL decides a commit by the setting in force when it commits, which is still this
    /// statement's transaction; the next statement on the connection is back at `on`. Returns the
    /// setting in force (`off`) for each nonce newly recorded, nothing for a replay.
    static func nonceInsert(_ nonce: String, keyID: String, expiresAt: Date) -> PostgresQuery {
        """
        INSERT INTO request_nonce (key_id, nonce, expires_at)
        SELECT \(keyID), \(nonce), \(expiresAt) FROM (SELECT set_config('synchronous_commit', 'off', true)) AS carried
        ON CONFLICT DO NOTHING RETURNING current_setting('synchronous_commit')
        """
    }

    public func purgeExpiredNonces(now: Date) async throws -> Int {
        try await database.query("DELETE FROM request_nonce WHERE expires_at < \(now) RETURNING 1").count
    }

    public func enqueueDelivery(
        merchantID: String, laneID: String?, orderID: String, resultID: String, body: Data, now: Date
    ) async throws {
        try await database.query(
            """
            INSERT INTO push_delivery (merchant_id, lane_id, order_id, result_id, body, next_attempt_at, created_at)
            VALUES (\(merchantID), \(laneID), \(orderID), \(resultID), \(body), \(now), \(now))
            ON CONFLICT (merchant_id, result_id) DO NOTHING
            """)
    }

    /// Rows are locked with `FOR UPDATE SKIP LOCKED` while they are claimed, so two instances
    /// claiming at the same moment take different rows and never wait for each other.
    public func claimDueDeliveries(now: Date, limit: Int, leaseUntil: Date) async throws -> [PushDelivery] {
        try await Self.deliveries(
            database,
            """
            WITH due AS (
                SELECT id FROM push_delivery
                WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= \(now)
                ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE push_delivery d SET next_attempt_at = \(leaseUntil) FROM due WHERE d.id = due.id
                RETURNING d.*)
            SELECT c.*,
                CASE WHEN l.lane_id IS NOT NULL THEN l.push_url ELSE m.push_url END AS push_url,
                CASE WHEN l.lane_id IS NOT NULL THEN l.push_secret ELSE m.push_secret END AS push_secret FROM claimed c
            LEFT JOIN merchant m ON m.id = c.merchant_id
            LEFT JOIN merchant_lane l ON l.merchant_id = c.merchant_id AND l.lane_id = c.lane_id
            ORDER BY c.id
            """)
    }

    public func recordAttempt(id: Int64, success: Bool, httpStatus: Int?, nextAttemptAt: Date?) async throws {
        let status = httpStatus.map(Int64.init)
        if success {
            try await database.query(
                """
                UPDATE push_delivery SET attempts = attempts + 1, last_http_status = \(status), delivered_at = now(),
                    next_attempt_at = NULL
                WHERE id = \(id)
                """)
        } else {
            try await database.query(
                """
                UPDATE push_delivery SET attempts = attempts + 1, last_http_status = \(status),
                    next_attempt_at = \(nextAttemptAt)
                WHERE id = \(id)
                """)
        }
    }

    public func undeliveredCount() async throws -> Int {
        Int(
            try await database.query("SELECT COUNT(*) FROM push_delivery WHERE delivered_at IS NULL").first
                .map { try $0.decode(Int64.self) } ?? 0)
    }

    public func deliveries(merchantID: String, orderID: String) async throws -> [PushDelivery] {
        try await Self.deliveries(
            database,
            """
            SELECT d.*,
                CASE WHEN l.lane_id IS NOT NULL THEN l.push_url ELSE m.push_url END AS push_url,
                CASE WHEN l.lane_id IS NOT NULL THEN l.push_secret ELSE m.push_secret END AS push_secret FROM push_delivery d
            LEFT JOIN merchant m ON m.id = d.merchant_id
            LEFT JOIN merchant_lane l ON l.merchant_id = d.merchant_id AND l.lane_id = d.lane_id
            WHERE d.merchant_id = \(merchantID) AND d.order_id = \(orderID) ORDER BY d.id
            """)
    }

    private static func deliveries(
        _ database: PostgresPool, _ query: PostgresQuery
    ) async throws
        -> [PushDelivery]
    {
        try await database.query(query).map { row in
            PushDelivery(
                id: try row.column("id"), merchantID: try row.column("merchant_id"),
                orderID: try row.column("order_id"), resultID: try row.column("result_id"),
                body: try row.column("body"), url: try row.column("push_url"),
                secret: try row.column("push_secret", as: Data?.self).map { Array($0) },
                attempts: Int(try row.column("attempts", as: Int64.self)),
                nextAttemptAt: try row.column("next_attempt_at"), deliveredAt: try row.column("delivered_at"),
                lastHTTPStatus: try row.column("last_http_status", as: Int64?.self).map(Int.init))
        }
    }

    public func saveVaultedCard(_ card: VaultedCard) async throws {
        try await database.query(
            """
            INSERT INTO vaulted_card (reference, user_id, sealed, last4, created_at)
            VALUES (\(card.reference), \(card.userID), \(card.sealed), \(card.last4), \(card.createdAt))
            """)
    }

    public func vaultedCard(reference: String) async throws -> VaultedCard? {
        try await database.query(
            "SELECT user_id, sealed, last4, created_at FROM vaulted_card WHERE reference = \(reference)"
        ).first.map { row in
            let (userID, sealed, last4, createdAt) = try row.decode((String, Data, String, Date).self)
            return VaultedCard(
                reference: reference, userID: userID, sealed: sealed, last4: last4, createdAt: createdAt)
        }
    }

    public func vaultedCards(userID: String) async throws -> [VaultedCardSummary] {
        try await database.query(
            "SELECT reference, last4 FROM vaulted_card WHERE user_id = \(userID) ORDER BY created_at DESC"
        ).map { row in
            let (reference, last4) = try row.decode((String, String).self)
            return VaultedCardSummary(vaultReference: reference, cardLast4: last4)
        }
    }
}
