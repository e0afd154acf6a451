import Foundation
import PairPayCore
import PostgresNIO
import Settlement

extension PostgresSettlementStore: OrderStore {
    public var sharing: StoreSharing { .shared }

    public func order(merchantID: String, orderID: String) async throws -> OrderRecord? {
        try await database.query(
            """
            SELECT \(unescaped: Self.orderColumns) FROM settlement_order
            WHERE merchant_id = \(merchantID) AND order_id = \(orderID)
            """
        ).first.map(Self.orderRecord)
    }

    /// The columns ``orderRecord(_:)`` reads, in its order.
    static var orderColumns: String { StoredOrderColumns.columnNames }

    static func orderRecord(_ row: PostgresRow) throws -> OrderRecord {
        let (
            merchantID, orderID, state, contents, requestedExpirySeconds, firstFingerprint, claim, laneID,
            userID, secondFingerprint, sealedPendingCard, cardLast4, authorization, result, expiresAt,
            recoverAfter, version, createdAt, updatedAt
        ) = try row.decode(
            (
                String, String, String, String?, Int?, String?, String?, String?, String?, String?, Data?,
                String?, Int64?, String?, Date, Date?, Int64, Date, Date
            ).self)
        return try StoredOrderColumns(
            merchantID: merchantID, orderID: orderID, state: state, contents: contents,
            requestedExpirySeconds: requestedExpirySeconds, firstFingerprint: firstFingerprint, claim: claim,
            laneID: laneID, userID: userID, secondFingerprint: secondFingerprint,
            sealedPendingCard: sealedPendingCard, cardLast4: cardLast4, authorizationID: authorization,
            result: result, expiresAt: expiresAt, recoverAfter: recoverAfter, version: version,
            createdAt: createdAt, updatedAt: updatedAt
        ).record()
    }

    public func insert(_ order: OrderRecord, event: String) async throws {
        let columns = try StoredOrderColumns(order, encoding: .all)
        try await database.transaction { transaction in
            let inserted = try await transaction.query(
                """
                INSERT INTO settlement_order (\(unescaped: Self.orderColumns))
                VALUES (\(columns.merchantID), \(columns.orderID), \(columns.state), \(columns.contents),
                    \(columns.requestedExpirySeconds), \(columns.firstFingerprint), \(columns.claim), \(columns.laneID),
                    \(columns.userID), \(columns.secondFingerprint), \(columns.sealedPendingCard), \(columns.cardLast4),
                    \(columns.authorizationID), \(columns.result), \(columns.expiresAt), \(columns.recoverAfter), 0,
                    \(columns.createdAt), \(columns.updatedAt))
                ON CONFLICT (merchant_id, order_id) DO NOTHING RETURNING 1
                """)
            guard !inserted.isEmpty else { throw SettlementStoreError.concurrentChange }
            try await Self.appendAudit(transaction, order: order, from: nil, event: event)
            try await Self.recordBatchEntry(transaction, BatchEntry.entry(for: order))
        }
    }

    public func update(_ order: OrderRecord, from previous: OrderState, event: String) async throws {
        // Only the nested values set since the order was read are encoded and written.
        let parts = order.unsavedParts
        let columns = try StoredOrderColumns(order, encoding: parts)
        try await database.transaction { transaction in
            let updated = try await transaction.query(
                """
                UPDATE settlement_order SET state = \(columns.state),
                    requested_expiry_seconds = \(columns.requestedExpirySeconds),
                    first_fingerprint = \(columns.firstFingerprint), lane_id = \(columns.laneID),
                    user_id = \(columns.userID), second_fingerprint = \(columns.secondFingerprint),
                    sealed_pending_card = \(columns.sealedPendingCard), card_last4 = \(columns.cardLast4),
                    authorization_id = \(columns.authorizationID), expires_at = \(columns.expiresAt), recover_after = \(columns.recoverAfter),
                    updated_at = \(columns.updatedAt), version = version + 1,
                    contents = CASE WHEN \(parts.contains(.contents)) THEN \(columns.contents) ELSE contents END,
                    claim = CASE WHEN \(parts.contains(.claim)) THEN \(columns.claim) ELSE claim END,
                    result = CASE WHEN \(parts.contains(.result)) THEN \(columns.result) ELSE result END
                WHERE merchant_id = \(columns.merchantID) AND order_id = \(columns.orderID)
                    AND version = \(columns.version)
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
            SELECT \(unescaped: Self.orderColumns) FROM settlement_order
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
                "SELECT \(unescaped: Self.orderColumns) FROM settlement_order WHERE state = \(state)"
            ).map(Self.orderRecord)
        }
        return try await database.query(
            """
            SELECT \(unescaped: Self.orderColumns) FROM settlement_order
            WHERE state = \(state) AND (recover_after IS NULL OR recover_after <= \(overdueAt))
            """
        ).map(Self.orderRecord)
    }

    /// Every order, by merchant and order id, read without migrating: from the columns, or from
    /// the JSON records of a database that a settlementd before migration `v7-order-columns`
    /// wrote (reconciliation reads the servers' database as it is).
    static func allOrders(_ database: PostgresPool) async throws -> [OrderRecord] {
        let hasRecords = try await !database.query(
            """
            SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'settlement_order' AND column_name = 'record'
            """
        ).isEmpty
        guard hasRecords else {
            return try await database.query(
                "SELECT \(unescaped: orderColumns) FROM settlement_order ORDER BY merchant_id, order_id"
            ).map(orderRecord)
        }
        return try await database.query(
            "SELECT record, version FROM settlement_order ORDER BY merchant_id, order_id"
        ).map { row in
            let (record, version) = try row.decode((String, Int64).self)
            return try StoredOrderColumns.legacyRecord(record, version: version)
        }
    }

    /// Every order, by merchant and order id (for reconciliation and audits).
    public func allOrders() async throws -> [OrderRecord] { try await Self.allOrders(database) }

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
