import Foundation
import PostgresNIO
import Settlement

extension PostgresSettlementStore: BatchStore {
    /// Of two instances closing one batch id at once, one inserts the batch and the other reads
    /// it; of two batches of one lane closed at once, each entry joins one (row locks on the
    /// entries serialize the two updates, and the second skips what the first took).
    public func closeBatch(
        merchantID: String, laneID: String?, batchID: String, closedAt: Date, includingUnassigned: Bool
    ) async throws -> ClosedBatch {
        try await database.transaction { transaction in
            let inserted = try await transaction.query(
                """
                INSERT INTO settlement_batch (merchant_id, batch_id, lane_id, closed_at)
                VALUES (\(merchantID), \(batchID), \(laneID), \(closedAt))
                ON CONFLICT (merchant_id, batch_id) DO NOTHING RETURNING 1
                """)
            guard inserted.isEmpty else {
                try await transaction.query(
                    """
                    UPDATE batch_entry SET batch_id = \(batchID)
                    WHERE merchant_id = \(merchantID) AND batch_id IS NULL
                        AND (\(laneID)::text IS NULL OR lane_id = \(laneID)
                            OR (\(includingUnassigned) AND lane_id = ''))
                    """)
                return ClosedBatch(
                    batchID: batchID, laneID: laneID, closedAt: closedAt,
                    totals: try await Self.totals(
                        transaction, "merchant_id = $1 AND batch_id = $2", [merchantID, batchID]),
                    report: nil)
            }
            guard let existing = try await Self.batch(transaction, merchantID: merchantID, batchID: batchID)
            else {
                throw SettlementStoreError.concurrentChange
            }
            guard existing.laneID == laneID else {
                throw SettlementStoreError.batchIDTaken(batchID, lane: existing.laneID)
            }
            return existing
        }
    }

    public func batch(merchantID: String, batchID: String) async throws -> ClosedBatch? {
        try await database.transaction { transaction in
            try await Self.batch(transaction, merchantID: merchantID, batchID: batchID)
        }
    }

    private static func batch(
        _ transaction: PostgresTransaction, merchantID: String, batchID: String
    ) async throws -> ClosedBatch? {
        guard
            let row = try await transaction.query(
                """
                SELECT lane_id, closed_at, report FROM settlement_batch
                WHERE merchant_id = \(merchantID) AND batch_id = \(batchID)
                """
            ).first
        else { return nil }
        let (lane, at, report) = try row.decode((String?, Date, String?).self)
        return ClosedBatch(
            batchID: batchID, laneID: lane, closedAt: at,
            totals: try await totals(
                transaction, "merchant_id = $1 AND batch_id = $2", [merchantID, batchID]),
            report: report.map { Data($0.utf8) })
    }

    public func saveBatchReport(merchantID: String, batchID: String, report: Data) async throws {
        let text = String(decoding: report, as: UTF8.self)
        try await database.query(
            """
            UPDATE settlement_batch SET report = \(text) WHERE merchant_id = \(merchantID) AND batch_id = \(batchID)
            """)
    }

    public func openTotals(merchantID: String, laneID: String?) async throws -> [LaneTotals] {
        try await database.transaction { transaction in
            if let laneID {
                return try await Self.totals(
                    transaction, "merchant_id = $1 AND batch_id IS NULL AND lane_id = $2",
                    [merchantID, laneID])
            }
            return try await Self.totals(transaction, "merchant_id = $1 AND batch_id IS NULL", [merchantID])
        }
    }

    private static func totals(
        _ transaction: PostgresTransaction, _ condition: String, _ values: [String]
    ) async throws -> [LaneTotals] {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT kind, currency, COUNT(*), SUM(amount)::bigint FROM batch_entry
                WHERE \(condition) GROUP BY kind, currency
                """, binds: bindings)
        return LaneTotals.summing(
            try await transaction.query(query).compactMap { row in
                let (kind, currency, count, amount) = try row.decode((String, String, Int64, Int64).self)
                guard let kind = BatchEntry.Kind(rawValue: kind) else { return nil }
                return (kind, currency, Int(count), amount)
            })
    }

    /// Writes the ledger entry `entry` makes, inside the transaction that saves its order or
    /// refund (see the SQLite store's twin for the rules).
    static func recordBatchEntry(_ transaction: PostgresTransaction, _ entry: BatchEntry?) async throws {
        guard let entry else { return }
        try await transaction.query(
            """
            INSERT INTO batch_entry (merchant_id, kind, reference, order_id, lane_id, currency, amount)
            SELECT \(entry.merchantID), \(entry.kind.rawValue), \(entry.reference), \(entry.orderID),
                COALESCE(s.lane_id, \(entry.laneID)), \(entry.amount.currency.code), \(entry.amount.minorUnits)
            FROM (SELECT 1) AS one
            LEFT JOIN batch_entry s ON s.merchant_id = \(entry.merchantID) AND s.kind = 'sale'
                AND s.reference = \(entry.orderID)
            WHERE \(entry.kind.rawValue) <> 'void' OR s.reference IS NOT NULL
            ON CONFLICT DO NOTHING
            """)
    }
}
