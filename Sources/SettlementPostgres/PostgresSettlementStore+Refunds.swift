import Foundation
import PairPayCore
import PostgresNIO
import Settlement

extension PostgresSettlementStore: RefundStore {
    public func refund(merchantID: String, refundID: String) async throws -> RefundRecord? {
        try await database.query(
            "SELECT record FROM settlement_refund WHERE merchant_id = \(merchantID) AND refund_id = \(refundID)"
        ).first.map(Self.refundRecord)
    }

    public func refunds(merchantID: String, orderID: String) async throws -> [RefundRecord] {
        try await database.query(
            """
            SELECT record FROM settlement_refund WHERE merchant_id = \(merchantID) AND order_id = \(orderID)
            ORDER BY created
            """
        ).map(Self.refundRecord)
    }

    public func insertRefund(_ refund: RefundRecord) async throws {
        let record = String(decoding: try RefundRecord.storageEncoder.encode(refund), as: UTF8.self)
        try await database.transaction { transaction in
            // The order is held while its refund is added, so the history purge of another
            // instance cannot take the order away from under a pending refund.
            let order = try await transaction.query(
                """
                SELECT 1 FROM settlement_order
                WHERE merchant_id = \(refund.merchantID) AND order_id = \(refund.orderID) FOR SHARE
                """)
            guard !order.isEmpty else { throw SettlementStoreError.concurrentChange }
            let inserted = try await transaction.query(
                """
                INSERT INTO settlement_refund (merchant_id, refund_id, order_id, state, updated_at, record)
                VALUES (\(refund.merchantID), \(refund.refundID), \(refund.orderID), \(refund.state.rawValue),
                    \(refund.updatedAt), \(record))
                ON CONFLICT (merchant_id, refund_id) DO NOTHING RETURNING 1
                """)
            guard !inserted.isEmpty else { throw SettlementStoreError.concurrentChange }
        }
    }

    public func finishRefund(_ refund: RefundRecord) async throws -> Bool {
        let record = String(decoding: try RefundRecord.storageEncoder.encode(refund), as: UTF8.self)
        return try await database.transaction { transaction in
            let updated = try await transaction.query(
                """
                UPDATE settlement_refund SET state = \(refund.state.rawValue), updated_at = \(refund.updatedAt),
                    record = \(record)
                WHERE merchant_id = \(refund.merchantID) AND refund_id = \(refund.refundID) AND state = 'pending'
                RETURNING 1
                """)
            guard !updated.isEmpty else { return false }
            try await Self.recordBatchEntry(transaction, BatchEntry.entry(for: refund))
            return true
        }
    }

    public func pendingRefunds(updatedBefore date: Date) async throws -> [RefundRecord] {
        try await database.query(
            """
            SELECT record FROM settlement_refund WHERE state = 'pending' AND updated_at <= \(date)
            ORDER BY updated_at
            """
        ).map(Self.refundRecord)
    }

    static func refundRecord(_ row: PostgresRow) throws -> RefundRecord {
        try RefundRecord.storageDecoder.decode(
            RefundRecord.self, from: Data(try row.decode(String.self).utf8))
    }
}
