import Foundation
import PairPayCore
import PostgresNIO
import Settlement

extension PostgresSettlementStore: OrderStore {
    public var sharing: StoreSharing { .shared }

    public func order(merchantID: String, orderID: String) async throws -> OrderRecord? {
        try await database.query(
            """
            SELECT record, version FROM settlement_order WHERE merchant_id = \(merchantID) AND order_id = \(orderID)
            """
        ).first.map(Self.orderRecord)
    }

    static func orderRecord(_ row: PostgresRow) throws -> OrderRecord {
        let (record, version) = try row.decode((String, Int64).self)
        var order = try decoder.decode(OrderRecord.self, from: Data(record.utf8))
        order.version = version
        return order
    }

    public func insert(_ order: OrderRecord, event: String) async throws {
        let record = String(decoding: try Self.encoder.encode(order), as: UTF8.self)
        try await database.transaction { transaction in
            let inserted = try await transaction.query(
                """
                INSERT INTO settlement_order
                    (merchant_id, order_id, state, expires_at, updated_at, recover_after, version, record)
                VALUES (\(order.merchantID), \(order.orderID), \(order.state.rawValue), \(order.expiresAt),
                    \(order.updatedAt), \(order.recoverAfter), 0, \(record))
                ON CONFLICT (merchant_id, order_id) DO NOTHING RETURNING 1
                """)
            guard !inserted.isEmpty else { throw SettlementStoreError.concurrentChange }
            try await Self.appendAudit(transaction, order: order, from: nil, event: event)
            try await Self.recordBatchEntry(transaction, BatchEntry.entry(for: order))
        }
    }

    public func update(_ order: OrderRecord, from previous: OrderState, event: String) async throws {
        let record = String(decoding: try Self.encoder.encode(order), as: UTF8.self)
        try await database.transaction { transaction in
            let updated = try await transaction.query(
                """
                UPDATE settlement_order SET state = \(order.state.rawValue), expires_at = \(order.expiresAt),
                    updated_at = \(order.updatedAt), recover_after = \(order.recoverAfter),
                    version = version + 1, record = \(record)
                WHERE merchant_id = \(order.merchantID) AND order_id = \(order.orderID)
                    AND version = \(order.version)
                RETURNING 1
                """)
            guard !updated.isEmpty else {
                let exists = try await transaction.query(
                    """
                    SELECT 1 FROM settlement_order
                    WHERE merchant_id = \(order.merchantID) AND order_id = \(order.orderID)
                    """)
                throw exists.isEmpty
                    ? SettlementStoreError.missingOrder : SettlementStoreError.concurrentChange
            }
            try await Self.appendAudit(transaction, order: order, from: previous, event: event)
            try await Self.recordBatchEntry(transaction, BatchEntry.entry(for: order))
        }
    }

    public func overdueOrders(now: Date) async throws -> [OrderRecord] {
        try await database.query(
            """
            SELECT record, version FROM settlement_order
            WHERE state IN (\(OrderState.awaitingFirst.rawValue), \(OrderState.awaitingSecond.rawValue))
                AND expires_at <= \(now)
            ORDER BY expires_at
            """
        ).map(Self.orderRecord)
    }

    public func ordersInAuthorization(overdueAt: Date?) async throws -> [OrderRecord] {
        let state = OrderState.authorizing.rawValue
        guard let overdueAt else {
            return try await database.query(
                "SELECT record, version FROM settlement_order WHERE state = \(state)"
            ).map(Self.orderRecord)
        }
        return try await database.query(
            """
            SELECT record, version FROM settlement_order
            WHERE state = \(state) AND (recover_after IS NULL OR recover_after <= \(overdueAt))
            """
        ).map(Self.orderRecord)
    }

    /// Every order, by merchant and order id (for reconciliation and audits).
    public func allOrders() async throws -> [OrderRecord] {
        try await database.query(
            "SELECT record, version FROM settlement_order ORDER BY merchant_id, order_id"
        ).map(Self.orderRecord)
    }

    public func auditTrail(merchantID: String, orderID: String) async throws -> [AuditEntry] {
        try await database.query(
            """
            SELECT from_state, to_state, event, at FROM audit_entry
            WHERE merchant_id = \(merchantID) AND order_id = \(orderID) ORDER BY id
            """
        ).map { row in
            let (from, to, event, at) = try row.decode((String?, String, String, Date).self)
            return AuditEntry(
                merchantID: merchantID, orderID: orderID, fromState: from.flatMap(OrderState.init(rawValue:)),
                toState: OrderState(rawValue: to) ?? .final, event: event, at: at)
        }
    }

    public func purgeHistory(olderThan date: Date) async throws -> Int {
        try await database.transaction { transaction in
            // An order with a refund still pending stays: recovery needs it to finish the refund.
            // So does one whose refund changed since the cutoff: history runs from the last refund,
            // and a cancel's refund, final a moment before the cancel ends its order, keeps it.
            // The orders are locked first (skipping any another instance holds: ``insertRefund``
            // holds its order while it adds a refund), and the pending check is made again once
            // they are: a refund committed while this statement ran is seen by the next one.
            try await transaction.query(
                """
                CREATE TEMPORARY TABLE purged (merchant_id TEXT, order_id TEXT) ON COMMIT DROP
                """)
            try await transaction.query(
                """
                INSERT INTO purged SELECT merchant_id, order_id FROM settlement_order o
                WHERE o.state = 'final' AND o.updated_at < \(date) AND NOT EXISTS (
                    SELECT 1 FROM settlement_refund r
                    WHERE r.merchant_id = o.merchant_id AND r.order_id = o.order_id AND (r.state = 'pending' OR r.updated_at >= \(date)))
                FOR UPDATE OF o SKIP LOCKED
                """)
            try await transaction.query(
                """
                DELETE FROM purged p WHERE EXISTS (
                    SELECT 1 FROM settlement_refund r
                    WHERE r.merchant_id = p.merchant_id AND r.order_id = p.order_id AND (r.state = 'pending' OR r.updated_at >= \(date)))
                """)
            try await transaction.query(
                "DELETE FROM audit_entry a USING purged p WHERE a.merchant_id = p.merchant_id AND a.order_id = p.order_id"
            )
            try await transaction.query(
                """
                DELETE FROM push_delivery d USING purged p
                WHERE d.delivered_at IS NOT NULL AND d.merchant_id = p.merchant_id AND d.order_id = p.order_id
                """)
            try await transaction.query(
                """
                DELETE FROM settlement_refund r USING purged p
                WHERE r.merchant_id = p.merchant_id AND r.order_id = p.order_id
                """)
            return try await transaction.query(
                """
                DELETE FROM settlement_order o USING purged p
                WHERE o.merchant_id = p.merchant_id AND o.order_id = p.order_id RETURNING 1
                """
            ).count
        }
    }

    static func appendAudit(
        _ transaction: PostgresTransaction, order: OrderRecord, from: OrderState?, event: String
    ) async throws {
        try await transaction.query(
            """
            INSERT INTO audit_entry (merchant_id, order_id, from_state, to_state, event, at)
            VALUES (\(order.merchantID), \(order.orderID), \(from?.rawValue), \(order.state.rawValue), \(event),
                \(order.updatedAt))
            """)
    }
}
