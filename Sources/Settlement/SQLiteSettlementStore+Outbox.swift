import DurableSQLite
import Foundation
import GRDB

extension SQLiteSettlementStore: NonceStore, PushOutbox, VaultStore {
    /// Committed without an fsync of its own: the request's own durable commit, if it makes one,
    /// carries the nonce to disk (see ``GroupCommitWriter/Durability/carriedByNextDurableCommit``).
    public func recordNonce(_ nonce: String, keyID: String, expiresAt: Date) async throws -> Bool {
        try await writer.write(.carriedByNextDurableCommit) { db in
            try db.executeCached(
                sql: "INSERT OR IGNORE INTO request_nonce (key_id, nonce, expires_at) VALUES (?, ?, ?)",
                arguments: [keyID, nonce, expiresAt.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func purgeExpiredNonces(now: Date) async throws -> Int {
        try await writer.write { db in
            try db.executeCached(
                sql: "DELETE FROM request_nonce WHERE expires_at < ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func enqueueDelivery(
        merchantID: String, laneID: String?, orderID: String, resultID: String, body: Data, now: Date
    )
        async throws
    {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    INSERT OR IGNORE INTO push_delivery (merchant_id, lane_id, order_id, result_id, body, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchantID, laneID, orderID, resultID, body, now.timeIntervalSince1970,
                    now.timeIntervalSince1970,
                ])
        }
    }

    public func claimDueDeliveries(now: Date, limit: Int, leaseUntil: Date) async throws -> [PushDelivery] {
        try await writer.write { db in
            let due = try Self.fetchDeliveries(
                db,
                condition:
                    "d.delivered_at IS NULL AND d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= ? ORDER BY d.id LIMIT ?",
                arguments: [now.timeIntervalSince1970, limit])
            for delivery in due {
                try db.executeCached(
                    sql: "UPDATE push_delivery SET next_attempt_at = ? WHERE id = ?",
                    arguments: [leaseUntil.timeIntervalSince1970, delivery.id])
            }
            return due
        }
    }

    public func recordAttempt(id: Int64, success: Bool, httpStatus: Int?, nextAttemptAt: Date?) async throws {
        try await writer.write { db in
            if success {
                try db.executeCached(
                    sql: """
                        UPDATE push_delivery SET attempts = attempts + 1, last_http_status = ?,
                        delivered_at = strftime('%s', 'now'), next_attempt_at = NULL WHERE id = ?
                        """, arguments: [httpStatus, id])
            } else {
                try db.executeCached(
                    sql: """
                        UPDATE push_delivery SET attempts = attempts + 1, last_http_status = ?, next_attempt_at = ?
                        WHERE id = ?
                        """, arguments: [httpStatus, nextAttemptAt?.timeIntervalSince1970, id])
            }
        }
    }

    public func undeliveredCount() async throws -> Int {
        try await database.snapshotRead { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM push_delivery WHERE delivered_at IS NULL")) ?? 0
        }
    }

    public func deliveries(merchantID: String, orderID: String) async throws -> [PushDelivery] {
        try await database.snapshotRead { db in
            try Self.fetchDeliveries(
                db, condition: "d.merchant_id = ? AND d.order_id = ? ORDER BY d.id",
                arguments: [merchantID, orderID])
        }
    }

    public func saveVaultedCard(_ card: VaultedCard) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql:
                    "INSERT INTO vaulted_card (reference, user_id, sealed, last4, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    card.reference, card.userID, card.sealed, card.last4,
                    card.createdAt.timeIntervalSince1970,
                ])
        }
    }

    public func vaultedCard(reference: String) async throws -> VaultedCard? {
        try await database.snapshotRead { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM vaulted_card WHERE reference = ?"),
                arguments: [reference]
            ).map {
                VaultedCard(
                    reference: $0["reference"], userID: $0["user_id"], sealed: $0["sealed"],
                    last4: $0["last4"],
                    createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }

    public func vaultedCards(userID: String) async throws -> [VaultedCardSummary] {
        try await database.snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT reference, last4 FROM vaulted_card WHERE user_id = ? ORDER BY created_at DESC"
                ),
                arguments: [userID]
            ).map { VaultedCardSummary(vaultReference: $0["reference"], cardLast4: $0["last4"]) }
        }
    }

    private static func fetchDeliveries(
        _ db: Database, condition: String, arguments: StatementArguments
    ) throws -> [PushDelivery] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT d.*,
                        CASE WHEN l.lane_id IS NOT NULL THEN l.push_url ELSE m.push_url END AS push_url,
                        CASE WHEN l.lane_id IS NOT NULL THEN l.push_secret ELSE m.push_secret END AS push_secret
                    FROM push_delivery d
                    LEFT JOIN merchant m ON m.id = d.merchant_id
                    LEFT JOIN merchant_lane l ON l.merchant_id = d.merchant_id AND l.lane_id = d.lane_id
                    WHERE \(condition)
                    """), arguments: arguments
        ).map { row in
            PushDelivery(
                id: row["id"], merchantID: row["merchant_id"], orderID: row["order_id"],
                resultID: row["result_id"],
                body: row["body"], url: row["push_url"],
                secret: (row["push_secret"] as Data?).map { Array($0) },
                attempts: row["attempts"],
                nextAttemptAt: (row["next_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                deliveredAt: (row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                lastHTTPStatus: row["last_http_status"])
        }
    }
}
