import DurableSQLite
import Foundation
import GRDB
import PairPayCore

extension SQLiteSettlementStore: BatchStore {
    public func closeBatch(
        merchantID: String, laneID: String?, batchID: String, closedAt: Date, includingUnassigned: Bool
    ) async throws -> ClosedBatch {
        try await writer.write { db in
            if let existing = try Self.batch(db, merchantID: merchantID, batchID: batchID) {
                guard existing.laneID == laneID else {
                    throw SettlementStoreError.batchIDTaken(batchID, lane: existing.laneID)
                }
                return existing
            }
            try db.executeCached(
                sql:
                    "INSERT INTO settlement_batch (merchant_id, batch_id, lane_id, closed_at) VALUES (?, ?, ?, ?)",
                arguments: [merchantID, batchID, laneID, closedAt.timeIntervalSince1970])
            try db.executeCached(
                sql: """
                    UPDATE batch_entry SET batch_id = ?
                    WHERE merchant_id = ? AND batch_id IS NULL
                        AND (? IS NULL OR lane_id = ? OR (? AND lane_id = ''))
                    """,
                arguments: [batchID, merchantID, laneID, laneID, includingUnassigned])
            return ClosedBatch(
                batchID: batchID, laneID: laneID, closedAt: closedAt,
                totals: try Self.batchTotals(db, merchantID: merchantID, batchID: batchID), report: nil)
        }
    }

    public func batch(merchantID: String, batchID: String) async throws -> ClosedBatch? {
        try await database.snapshotRead { db in try Self.batch(db, merchantID: merchantID, batchID: batchID) }
    }

    private static func batch(_ db: Database, merchantID: String, batchID: String) throws -> ClosedBatch? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT lane_id, closed_at, report FROM settlement_batch WHERE merchant_id = ? AND batch_id = ?"
                ),
                arguments: [merchantID, batchID])
        else { return nil }
        return ClosedBatch(
            batchID: batchID, laneID: row["lane_id"], closedAt: Date(timeIntervalSince1970: row["closed_at"]),
            totals: try batchTotals(db, merchantID: merchantID, batchID: batchID),
            report: (row["report"] as String?).map { Data($0.utf8) })
    }

    public func saveBatchReport(merchantID: String, batchID: String, report: Data) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE settlement_batch SET report = ? WHERE merchant_id = ? AND batch_id = ?",
                arguments: [String(decoding: report, as: UTF8.self), merchantID, batchID])
        }
    }

    public func openTotals(merchantID: String, laneID: String?) async throws -> [LaneTotals] {
        try await database.snapshotRead { db in
            try Self.totals(
                db, condition: "merchant_id = ? AND batch_id IS NULL AND (? IS NULL OR lane_id = ?)",
                arguments: [merchantID, laneID, laneID])
        }
    }

    private static func batchTotals(
        _ db: Database, merchantID: String, batchID: String
    ) throws -> [LaneTotals] {
        try totals(db, condition: "merchant_id = ? AND batch_id = ?", arguments: [merchantID, batchID])
    }

    private static func totals(
        _ db: Database, condition: String, arguments: StatementArguments
    ) throws
        -> [LaneTotals]
    {
        LaneTotals.summing(
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT kind, currency, COUNT(*) AS n, SUM(amount) AS total FROM batch_entry
                        WHERE \(condition) GROUP BY kind, currency
                        """), arguments: arguments
            ).compactMap { row in
                guard let kind = BatchEntry.Kind(rawValue: row["kind"]) else { return nil }
                return (kind, row["currency"], row["n"], row["total"])
            })
    }

    /// Writes the ledger entry `entry` makes, inside the transaction that saves its order or
    /// refund. A void is written only beside its sale's entry, and a void or refund takes the
    /// sale's lane.
    static func recordBatchEntry(_ db: Database, _ entry: BatchEntry?) throws {
        guard let entry else { return }
        try db.executeCached(
            sql: """
                INSERT OR IGNORE INTO batch_entry (merchant_id, kind, reference, order_id, lane_id, currency, amount)
                SELECT ?, ?, ?, ?, COALESCE(s.lane_id, ?), ?, ? FROM (SELECT 1)
                LEFT JOIN batch_entry s ON s.merchant_id = ? AND s.kind = 'sale' AND s.reference = ?
                WHERE ? <> 'void' OR s.reference IS NOT NULL
                """,
            arguments: [
                entry.merchantID, entry.kind.rawValue, entry.reference, entry.orderID, entry.laneID,
                entry.amount.currency.code, entry.amount.minorUnits, entry.merchantID, entry.orderID,
                entry.kind.rawValue,
            ])
    }
}
