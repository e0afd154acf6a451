import Foundation
import GRDB

extension SQLiteSettlementStore: OrderStore {
    public func order(merchantID: String, orderID: String) async throws -> OrderRecord? {
        try await database.read { db in
            try String.fetchOne(
                db, sql: "SELECT record FROM settlement_order WHERE merchant_id = ? AND order_id = ?",
                arguments: [merchantID, orderID]
            ).map { try Self.decoder.decode(OrderRecord.self, from: Data($0.utf8)) }
        }
    }

    public func insert(_ order: OrderRecord, event: String) async throws {
        let record = String(decoding: try Self.encoder.encode(order), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO settlement_order (merchant_id, order_id, state, expires_at, updated_at, record)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    order.merchantID, order.orderID, order.state.rawValue,
                    order.expiresAt.timeIntervalSince1970,
                    order.updatedAt.timeIntervalSince1970, record,
                ])
            try Self.appendAudit(db, order: order, from: nil, event: event)
        }
    }

    public func update(_ order: OrderRecord, from previous: OrderState, event: String) async throws {
        let record = String(decoding: try Self.encoder.encode(order), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE settlement_order SET state = ?, expires_at = ?, updated_at = ?, record = ?
                    WHERE merchant_id = ? AND order_id = ?
                    """,
                arguments: [
                    order.state.rawValue, order.expiresAt.timeIntervalSince1970,
                    order.updatedAt.timeIntervalSince1970,
                    record, order.merchantID, order.orderID,
                ])
            guard db.changesCount == 1 else { throw SettlementStoreError.missingOrder }
            try Self.appendAudit(db, order: order, from: previous, event: event)
        }
    }

    public func overdueOrders(now: Date) async throws -> [OrderRecord] {
        try await fetchOrders(
            sql:
                "SELECT record FROM settlement_order WHERE state IN (?, ?) AND expires_at <= ? ORDER BY expires_at",
            arguments: [
                OrderState.awaitingFirst.rawValue, OrderState.awaitingSecond.rawValue,
                now.timeIntervalSince1970,
            ])
    }

    public func ordersInAuthorization() async throws -> [OrderRecord] {
        try await fetchOrders(
            sql: "SELECT record FROM settlement_order WHERE state = ?",
            arguments: [OrderState.authorizing.rawValue])
    }

    public func auditTrail(merchantID: String, orderID: String) async throws -> [AuditEntry] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT from_state, to_state, event, at FROM audit_entry
                    WHERE merchant_id = ? AND order_id = ? ORDER BY id
                    """,
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
        try await database.write { db in
            let condition = "state = 'final' AND updated_at < ?"
            let cutoff = date.timeIntervalSince1970
            try db.execute(
                sql: """
                    DELETE FROM audit_entry WHERE (merchant_id, order_id) IN
                    (SELECT merchant_id, order_id FROM settlement_order WHERE \(condition))
                    """, arguments: [cutoff])
            try db.execute(
                sql: """
                    DELETE FROM push_delivery WHERE delivered_at IS NOT NULL AND (merchant_id, order_id) IN
                    (SELECT merchant_id, order_id FROM settlement_order WHERE \(condition))
                    """, arguments: [cutoff])
            try db.execute(sql: "DELETE FROM settlement_order WHERE \(condition)", arguments: [cutoff])
            return db.changesCount
        }
    }

    private func fetchOrders(sql: String, arguments: StatementArguments) async throws -> [OrderRecord] {
        try await database.read { db in
            try String.fetchAll(db, sql: sql, arguments: arguments).map {
                try Self.decoder.decode(OrderRecord.self, from: Data($0.utf8))
            }
        }
    }

    static func appendAudit(_ db: Database, order: OrderRecord, from: OrderState?, event: String) throws {
        try db.execute(
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

    public var description: String {
        switch self {
        case .missingOrder: return "the order to update is not in the store"
        case .unknownOwner(let id): return "'\(id)' is not enrolled: enrol it first"
        }
    }
}
