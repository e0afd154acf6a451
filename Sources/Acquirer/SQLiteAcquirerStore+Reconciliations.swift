import DurableSQLite
import Foundation
import GRDB
import PairPayCore

extension SQLiteAcquirerStore {
    public func reconciliation(_ key: ReconciliationKey) async throws -> ReconciliationRecord? {
        try await database.snapshotRead { db in try Self.reconciliation(db, key) }
    }

    public func openReconciliation(
        _ key: ReconciliationKey, transmission: String
    ) async throws
        -> ReconciliationRecord
    {
        try await writer.write { db in
            if let open = try Self.reconciliation(db, key) { return open }
            let ofTerminal =
                "SELECT id FROM authorization WHERE terminal = ? AND merchant = ? AND currency = ?"
            let terminal: StatementArguments = [key.terminal, key.merchant, key.currency]
            try db.executeCached(
                sql: """
                    UPDATE post_sale SET reconciliation_batch = ?
                    WHERE state = 'approved' AND reconciliation_batch IS NULL AND authorization_id IN (\(ofTerminal))
                    """, arguments: [key.batchID] + terminal)
            var totals = HostTotals()
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT kind, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM post_sale
                        WHERE reconciliation_batch = ? AND authorization_id IN (\(ofTerminal)) GROUP BY kind
                        """), arguments: [key.batchID] + terminal)
            {
                switch PostSaleMessage.Kind(rawValue: row["kind"]) {
                case .capture: (totals.capturedCount, totals.capturedAmount) = (row["n"], row["total"])
                case .refund: (totals.refundedCount, totals.refundedAmount) = (row["n"], row["total"])
                case nil: break
                }
            }
            try db.executeCached(
                sql: """
                    INSERT INTO reconciliation (batch_id, terminal, currency, merchant, stan, transmission,
                        captured_count, captured_amount, refunded_count, refunded_amount)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.batchID, key.terminal, key.currency, key.merchant, try Self.takeSTAN(db),
                    transmission,
                    totals.capturedCount, totals.capturedAmount, totals.refundedCount, totals.refundedAmount,
                ])
            return try Self.reconciliation(db, key)!
        }
    }

    public func countReconciliationAttempt(_ key: ReconciliationKey) async throws -> Int {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE reconciliation SET attempts = attempts + 1 WHERE \(Self.keyCondition)",
                arguments: Self.arguments(key))
            return
                (try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT attempts FROM reconciliation WHERE \(Self.keyCondition)"),
                    arguments: Self.arguments(key)) ?? 1) - 1
        }
    }

    public func answerReconciliation(
        _ key: ReconciliationKey, bank: HostTotals, responseCode: String
    )
        async throws
    {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE reconciliation SET bank_captured_count = ?, bank_captured_amount = ?,
                        bank_refunded_count = ?, bank_refunded_amount = ?, response_code = ?
                    WHERE \(Self.keyCondition)
                    """,
                arguments: [
                    bank.capturedCount, bank.capturedAmount, bank.refundedCount, bank.refundedAmount,
                    responseCode,
                ] + Self.arguments(key))
        }
    }

    public func hasPendingPostSales(terminal: String, merchant: String) async throws -> Bool {
        try await database.snapshotRead { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM post_sale p JOIN authorization a ON a.id = p.authorization_id
                        WHERE p.state = 'pending' AND a.terminal = ? AND a.merchant = ?)
                        """), arguments: [terminal, merchant]) ?? false
        }
    }

    static let keyCondition = "batch_id = ? AND terminal = ? AND merchant = ? AND currency = ?"

    static func arguments(_ key: ReconciliationKey) -> StatementArguments {
        [key.batchID, key.terminal, key.merchant, key.currency]
    }

    private static func reconciliation(
        _ db: Database, _ key: ReconciliationKey
    ) throws -> ReconciliationRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM reconciliation WHERE \(keyCondition)"),
            arguments: arguments(key)
        )
        .map { row in
            let code: String? = row["response_code"]
            return ReconciliationRecord(
                batchID: row["batch_id"], terminal: row["terminal"], merchant: row["merchant"],
                currency: row["currency"], stan: row["stan"], transmission: row["transmission"],
                acquirer: HostTotals(
                    capturedCount: row["captured_count"], capturedAmount: row["captured_amount"],
                    refundedCount: row["refunded_count"], refundedAmount: row["refunded_amount"]),
                attempts: row["attempts"],
                bank: code == nil
                    ? nil
                    : HostTotals(
                        capturedCount: row["bank_captured_count"],
                        capturedAmount: row["bank_captured_amount"],
                        refundedCount: row["bank_refunded_count"], refundedAmount: row["bank_refunded_amount"]
                    ),
                responseCode: code)
        }
    }
}
