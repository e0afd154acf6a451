import DurableSQLite
import Foundation
import GRDB
import PairPayCore

extension SQLiteSettlementStore: OrderStore {
    public var sharing: StoreSharing { .exclusive }

    public func order(merchantID: String, orderID: String) async throws -> OrderRecord? {
        try await database.snapshotRead { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT \(Self.orderColumns) FROM settlement_order WHERE merchant_id = ? AND order_id = ?"
                ),
                arguments: [merchantID, orderID]
            ).map(Self.orderRecord)
        }
    }

    /// The columns ``orderRecord(_:)`` reads, in its order.
    static var orderColumns: String { StoredOrderColumns.columnNames }

    static func orderRecord(_ row: Row) throws -> OrderRecord {
        try StoredOrderColumns(
            merchantID: row[0], orderID: row[1], state: row[2], contents: row[3],
            requestedExpirySeconds: row[4],
            firstFingerprint: row[5], claim: row[6], laneID: row[7], userID: row[8],
            secondFingerprint: row[9],
            sealedPendingCard: row[10], cardLast4: row[11], authorizationID: row[12], result: row[13],
            expiresAt: Date(timeIntervalSince1970: row[14]),
            recoverAfter: (row[15] as Double?).map(Date.init(timeIntervalSince1970:)), version: row[16],
            createdAt: Date(timeIntervalSince1970: row[17]), updatedAt: Date(timeIntervalSince1970: row[18])
        ).record()
    }

    /// Every stored order, for a reader outside the store (reconciliation, which opens the file
    /// read-only and applies no migration), in key order: from the columns, or from the JSON
    /// records of a database that a settlementd before migration `v8-order-columns` wrote.
    public static func allOrders(_ db: Database) throws -> [OrderRecord] {
        let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(settlement_order)").map {
            $0["name"] as String
        }
        guard columns.contains("record") else {
            return try Row.fetchAll(
                db, sql: "SELECT \(orderColumns) FROM settlement_order ORDER BY merchant_id, order_id"
            ).map(orderRecord)
        }
        return try Row.fetchAll(
            db, sql: "SELECT record, version FROM settlement_order ORDER BY merchant_id, order_id"
        ).map { row in try StoredOrderColumns.legacyRecord(row[0], version: row[1]) }
    }

    public func insert(_ order: OrderRecord, event: String) async throws {
        let columns = try StoredOrderColumns(order, encoding: .all)
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    INSERT OR IGNORE INTO settlement_order (\(Self.orderColumns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                    """,
                arguments: [
                    columns.merchantID, columns.orderID, columns.state, columns.contents,
                    columns.requestedExpirySeconds, columns.firstFingerprint, columns.claim, columns.laneID,
                    columns.userID, columns.secondFingerprint, columns.sealedPendingCard, columns.cardLast4,
                    columns.authorizationID, columns.result, columns.expiresAt.timeIntervalSince1970,
                    columns.recoverAfter?.timeIntervalSince1970, columns.createdAt.timeIntervalSince1970,
                    columns.updatedAt.timeIntervalSince1970,
                ])
            guard db.changesCount == 1 else { throw SettlementStoreError.concurrentChange }
            try Self.appendAudit(db, order: order, from: nil, event: event)
            try Self.recordBatchEntry(db, BatchEntry.entry(for: order))
        }
    }

    public func update(_ order: OrderRecord, from previous: OrderState, event: String) async throws {
        // Only the nested values set since the order was read are encoded and written.
        let parts = order.unsavedParts
        let columns = try StoredOrderColumns(order, encoding: parts)
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE settlement_order SET state = ?, requested_expiry_seconds = ?, first_fingerprint = ?,
                        lane_id = ?, user_id = ?, second_fingerprint = ?, sealed_pending_card = ?, card_last4 = ?,
                        authorization_id = ?, expires_at = ?, recover_after = ?, updated_at = ?,
                        version = version + 1,
                        contents = CASE WHEN ? THEN ? ELSE contents END,
                        claim = CASE WHEN ? THEN ? ELSE claim END,
                        result = CASE WHEN ? THEN ? ELSE result END
                    WHERE merchant_id = ? AND order_id = ? AND version = ?
                    """,
                arguments: [
                    columns.state, columns.requestedExpirySeconds, columns.firstFingerprint, columns.laneID,
                    columns.userID, columns.secondFingerprint, columns.sealedPendingCard, columns.cardLast4,
                    columns.authorizationID, columns.expiresAt.timeIntervalSince1970,
                    columns.recoverAfter?.timeIntervalSince1970, columns.updatedAt.timeIntervalSince1970,
                    parts.contains(.contents), columns.contents, parts.contains(.claim), columns.claim,
                    parts.contains(.result), columns.result,
                    columns.merchantID, columns.orderID, columns.version,
                ])
            guard db.changesCount == 1 else {
                let exists =
                    try Bool.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT 1 FROM settlement_order WHERE merchant_id = ? AND order_id = ?"),
                        arguments: [order.merchantID, order.orderID]) ?? false
                throw exists ? SettlementStoreError.concurrentChange : SettlementStoreError.missingOrder
            }
            try Self.appendAudit(db, order: order, from: previous, event: event)
            try Self.recordBatchEntry(db, BatchEntry.entry(for: order))
        }
    }

    public func overdueOrders(now: Date) async throws -> [OrderRecord] {
        try await fetchOrders(
            sql:
                "SELECT \(Self.orderColumns) FROM settlement_order WHERE state IN (?, ?) AND expires_at <= ? ORDER BY expires_at",
            arguments: [
                OrderState.awaitingFirst.rawValue, OrderState.awaitingSecond.rawValue,
                now.timeIntervalSince1970,
            ])
    }

    public func ordersInAuthorization(overdueAt: Date?) async throws -> [OrderRecord] {
        guard let overdueAt else {
            return try await fetchOrders(
                sql: "SELECT \(Self.orderColumns) FROM settlement_order WHERE state = ?",
                arguments: [OrderState.authorizing.rawValue])
        }
        return try await fetchOrders(
            sql: """
                SELECT \(Self.orderColumns) FROM settlement_order
                WHERE state = ? AND (recover_after IS NULL OR recover_after <= ?)
                """,
            arguments: [OrderState.authorizing.rawValue, overdueAt.timeIntervalSince1970])
    }

    public func auditTrail(merchantID: String, orderID: String) async throws -> [AuditEntry] {
        try await database.snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT from_state, to_state, event, at FROM audit_entry
                        WHERE merchant_id = ? AND order_id = ? ORDER BY id
                        """),
                arguments: [merchantID, orderID]
            ).map { row in
                AuditEntry(
                    merchantID: merchantID, orderID: orderID,
                    fromState: (row["from_state"] as String?).flatMap(OrderState.init(rawValue:)),
                    toState: OrderState(rawValue: row["to_state"]) ?? .final, event: row["event"],
                    at: Date(timeIntervalSince1970: row["at"]))
            }
        }
    }

    public func purgeHistory(olderThan date: Date) async throws -> Int {
        try await writer.write { db in
            // An order with a refund still pending stays: recovery needs it to finish the refund.
            // So does one whose refund changed since the cutoff: history runs from the last refund,
            // and a cancel's refund, final a moment before the cancel ends its order, keeps it.
            let condition = """
                state = 'final' AND updated_at < :cutoff AND NOT EXISTS (SELECT 1 FROM settlement_refund r
                    WHERE r.merchant_id = settlement_order.merchant_id AND r.order_id = settlement_order.order_id
                    AND (r.state = 'pending' OR r.updated_at >= :cutoff))
                """
            let cutoff: StatementArguments = ["cutoff": date.timeIntervalSince1970]
            try db.executeCached(
                sql: """
                    DELETE FROM audit_entry WHERE (merchant_id, order_id) IN
                    (SELECT merchant_id, order_id FROM settlement_order WHERE \(condition))
                    """, arguments: cutoff)
            try db.executeCached(
                sql: """
                    DELETE FROM push_delivery WHERE delivered_at IS NOT NULL AND (merchant_id, order_id) IN
                    (SELECT merchant_id, order_id FROM settlement_order WHERE \(condition))
                    """, arguments: cutoff)
            try db.executeCached(
                sql: """
                    DELETE FROM settlement_refund WHERE (merchant_id, order_id) IN
                    (SELECT merchant_id, order_id FROM settlement_order WHERE \(condition))
                    """, arguments: cutoff)
            try db.executeCached(sql: "DELETE FROM settlement_order WHERE \(condition)", arguments: cutoff)
            return db.changesCount
        }
    }

    private func fetchOrders(sql: String, arguments: StatementArguments) async throws -> [OrderRecord] {
        try await database.snapshotRead { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.orderRecord)
        }
    }

    static func appendAudit(_ db: Database, order: OrderRecord, from: OrderState?, event: String) throws {
        try db.executeCached(
            sql:
                "INSERT INTO audit_entry (merchant_id, order_id, from_state, to_state, event, at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                order.merchantID, order.orderID, from?.rawValue, order.state.rawValue, event,
                order.updatedAt.timeIntervalSince1970,
            ])
    }
}

/// Why the store refused a write.
public enum SettlementStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An update for an order that is not stored.
    case missingOrder
    /// A merchant or user the operation names is not enrolled.
    case unknownOwner(String)
    /// The order was created or changed by another request (another instance) since it was read:
    /// nothing was written; read it again and decide again.
    case concurrentChange
    /// Another merchant already has this acquirer merchant id (ISO 8583 field 42).
    case acquirerMerchantIDTaken(String, by: String)
    /// Another lane of the merchant, or the merchant itself, has this terminal id (ISO 8583 field 41).
    case laneTerminalTaken(String, by: String)
    /// A batch with this id was closed for another lane (nil: every lane).
    case batchIDTaken(String, lane: String?)
    /// No request-MAC key has this key id.
    case unknownKey(String)
    /// The request-MAC key is retired: it cannot be given an end or used again.
    case keyRetired(String)
    /// No client certificate has this fingerprint.
    case unknownCertificate(String)

    public var description: String {
        switch self {
        case .acquirerMerchantIDTaken(let acquirerID, let holder):
            return
                "acquirer merchant id '\(acquirerID)' belongs to merchant '\(holder)': give this merchant its own (--acquirer-merchant-id, the id the acquirer issued)"
        case .laneTerminalTaken(let terminal, let holder):
            return
                "terminal id \(terminal) is \(holder)'s: give each lane its own (the bank counts each terminal apart)"
        case .batchIDTaken(let batch, let lane):
            return
                "batch '\(batch)' was closed for \(lane.map { "lane '\($0)'" } ?? "every lane"): give this close its own batch id"
        case .missingOrder: return "the order to update is not in the store"
        case .concurrentChange: return "the order changed meanwhile: read it again"
        case .unknownOwner(let id): return "'\(id)' is not enrolled: enrol it first"
        case .unknownKey(let id): return "no MAC key has key id '\(id)': see 'pairpay keys mac list'"
        case .unknownCertificate(let fingerprint):
            return "no client certificate has fingerprint \(fingerprint): check the file or fingerprint given"
        case .keyRetired(let id):
            return
                "MAC key '\(id)' is retired and stays so: give the holder a new key ('pairpay keys mac rotate')"
        }
    }
}
