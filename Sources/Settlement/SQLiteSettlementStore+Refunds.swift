import DurableSQLite
import Foundation
import GRDB
import PairPayCore

extension SQLiteSettlementStore: RefundStore {
    public func refund(merchantID: String, refundID: String) async throws -> RefundRecord? {
        try await database.snapshotRead { db in
            try String.fetchOne(
                db.cachedStatement(
                    sql: "SELECT record FROM settlement_refund WHERE merchant_id = ? AND refund_id = ?"),
                arguments: [merchantID, refundID]
            ).map(Self.refundRecord)
        }
    }

    public func refunds(merchantID: String, orderID: String) async throws -> [RefundRecord] {
        try await database.snapshotRead { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT record FROM settlement_refund WHERE merchant_id = ? AND order_id = ?
                        ORDER BY rowid
                        """),
                arguments: [merchantID, orderID]
            ).map(Self.refundRecord)
        }
    }

    public func insertRefund(_ refund: RefundRecord) async throws {
        let record = String(decoding: try RefundRecord.storageEncoder.encode(refund), as: UTF8.self)
        try await writer.write { db in
            // The history purge may have taken the order since it was read: no refund without it.
            let order = try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT 1 FROM settlement_order WHERE merchant_id = ? AND order_id = ?"),
                arguments: [refund.merchantID, refund.orderID])
            guard order != nil else { throw SettlementStoreError.concurrentChange }
            try db.executeCached(
                sql: """
                    INSERT INTO settlement_refund (merchant_id, refund_id, order_id, state, updated_at, record)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (merchant_id, refund_id) DO NOTHING
                    """,
                arguments: [
                    refund.merchantID, refund.refundID, refund.orderID, refund.state.rawValue,
                    refund.updatedAt.timeIntervalSince1970, record,
                ])
            guard db.changesCount == 1 else { throw SettlementStoreError.concurrentChange }
        }
    }

    public func finishRefund(_ refund: RefundRecord) async throws -> Bool {
        let record = String(decoding: try RefundRecord.storageEncoder.encode(refund), as: UTF8.self)
        return try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE settlement_refund SET state = ?, updated_at = ?, record = ?
                    WHERE merchant_id = ? AND refund_id = ? AND state = 'pending'
                    """,
                arguments: [
                    refund.state.rawValue, refund.updatedAt.timeIntervalSince1970, record, refund.merchantID,
                    refund.refundID,
                ])
            guard db.changesCount == 1 else { return false }
            try Self.recordBatchEntry(db, BatchEntry.entry(for: refund))
            return true
        }
    }

    public func pendingRefunds(updatedBefore date: Date) async throws -> [RefundRecord] {
        try await database.snapshotRead { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT record FROM settlement_refund WHERE state = 'pending' AND updated_at <= ? ORDER BY updated_at"
                ),
                arguments: [date.timeIntervalSince1970]
            ).map(Self.refundRecord)
        }
    }

    static func refundRecord(_ text: String) throws -> RefundRecord {
        try RefundRecord.storageDecoder.decode(RefundRecord.self, from: Data(text.utf8))
    }
}
