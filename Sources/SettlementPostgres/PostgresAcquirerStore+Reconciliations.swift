import Acquirer
import Foundation
import PairPayCore
import PostgresNIO

extension PostgresAcquirerStore {
    public func reconciliation(_ key: ReconciliationKey) async throws -> ReconciliationRecord? {
        try await database.transaction { transaction in try await Self.reconciliation(transaction, key) }
    }

    public func hasPendingPostSales(terminal: String, merchant: String) async throws -> Bool {
        try await !database.query(
            """
            SELECT 1 FROM acquirer_post_sale p JOIN acquirer_authorization a ON a.id = p.authorization_id
            WHERE p.state = 'pending' AND a.terminal = \(terminal) AND a.merchant = \(merchant) LIMIT 1
            """
        ).isEmpty
    }

    /// Instances opening one reconciliation at once queue on the row (`ON CONFLICT`); the one that
    /// inserts it counts the messages, each message in one reconciliation only (row locks on the
    /// messages keep two batches apart).
    public func openReconciliation(
        _ key: ReconciliationKey, transmission: String
    ) async throws
        -> ReconciliationRecord
    {
        let (batchID, terminal, merchant, currency) = (key.batchID, key.terminal, key.merchant, key.currency)
        return try await database.transaction { transaction in
            if let open = try await Self.reconciliation(transaction, key) { return open }
            let stan = try await Self.takeSTAN(transaction)
            let inserted = try await transaction.query(
                """
                INSERT INTO acquirer_reconciliation (batch_id, terminal, currency, merchant, stan, transmission,
                    captured_count, captured_amount, refunded_count, refunded_amount)
                VALUES (\(batchID), \(terminal), \(currency), \(merchant), \(stan), \(transmission), 0, 0, 0, 0)
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            if !inserted.isEmpty {
                try await transaction.query(
                    """
                    UPDATE acquirer_post_sale SET reconciliation_batch = \(batchID)
                    WHERE state = 'approved' AND reconciliation_batch IS NULL AND authorization_id IN (
                        SELECT id FROM acquirer_authorization
                        WHERE terminal = \(terminal) AND merchant = \(merchant) AND currency = \(currency))
                    """)
                try await transaction.query(
                    """
                    WITH counted AS (
                        SELECT kind, COUNT(*) AS n, COALESCE(SUM(amount), 0)::bigint AS total
                        FROM acquirer_post_sale
                        WHERE reconciliation_batch = \(batchID) AND authorization_id IN (
                            SELECT id FROM acquirer_authorization
                            WHERE terminal = \(terminal) AND merchant = \(merchant) AND currency = \(currency))
                        GROUP BY kind)
                    UPDATE acquirer_reconciliation SET
                        captured_count = COALESCE((SELECT n FROM counted WHERE kind = 'capture'), 0),
                        captured_amount = COALESCE((SELECT total FROM counted WHERE kind = 'capture'), 0),
                        refunded_count = COALESCE((SELECT n FROM counted WHERE kind = 'refund'), 0),
                        refunded_amount = COALESCE((SELECT total FROM counted WHERE kind = 'refund'), 0)
                    WHERE batch_id = \(batchID) AND terminal = \(terminal) AND merchant = \(merchant)
                        AND currency = \(currency)
                    """)
            }
            guard let record = try await Self.reconciliation(transaction, key) else {
                throw PostgresStoreError.missingRow("acquirer_reconciliation \(batchID)")
            }
            return record
        }
    }

    public func countReconciliationAttempt(_ key: ReconciliationKey) async throws -> Int {
        let attempts = try await database.query(
            """
            UPDATE acquirer_reconciliation SET attempts = attempts + 1
            WHERE batch_id = \(key.batchID) AND terminal = \(key.terminal) AND merchant = \(key.merchant)
                AND currency = \(key.currency)
            RETURNING attempts
            """
        ).first.map { try $0.decode(Int64.self) }
        return Int(attempts ?? 1) - 1
    }

    public func answerReconciliation(
        _ key: ReconciliationKey, bank: HostTotals, responseCode: String
    )
        async throws
    {
        try await database.query(
            """
            UPDATE acquirer_reconciliation SET bank_captured_count = \(bank.capturedCount),
                bank_captured_amount = \(bank.capturedAmount), bank_refunded_count = \(bank.refundedCount),
                bank_refunded_amount = \(bank.refundedAmount), response_code = \(responseCode)
            WHERE batch_id = \(key.batchID) AND terminal = \(key.terminal) AND merchant = \(key.merchant)
                AND currency = \(key.currency)
            """)
    }

    private static func reconciliation(
        _ transaction: PostgresTransaction, _ key: ReconciliationKey
    ) async throws -> ReconciliationRecord? {
        guard
            let row = try await transaction.query(
                """
                SELECT stan, transmission, captured_count, captured_amount, refunded_count,
                    refunded_amount, attempts, bank_captured_count, bank_captured_amount, bank_refunded_count,
                    bank_refunded_amount, response_code
                FROM acquirer_reconciliation
                WHERE batch_id = \(key.batchID) AND terminal = \(key.terminal) AND merchant = \(key.merchant)
                    AND currency = \(key.currency)
                """
            ).first
        else { return nil }
        let code: String? = try row.column("response_code")
        var bank: HostTotals?
        if code != nil {
            bank = HostTotals(
                capturedCount: try row.column("bank_captured_count"),
                capturedAmount: try row.column("bank_captured_amount"),
                refundedCount: try row.column("bank_refunded_count"),
                refundedAmount: try row.column("bank_refunded_amount"))
        }
        return ReconciliationRecord(
            batchID: key.batchID, terminal: key.terminal, merchant: key.merchant, currency: key.currency,
            stan: try row.column("stan"), transmission: try row.column("transmission"),
            acquirer: HostTotals(
                capturedCount: try row.column("captured_count"),
                capturedAmount: try row.column("captured_amount"),
                refundedCount: try row.column("refunded_count"),
                refundedAmount: try row.column("refunded_amount")),
            attempts: Int(try row.column("attempts", as: Int64.self)), bank: bank, responseCode: code)
    }
}
