import DurableSQLite
import Foundation
import GRDB

extension StoredAuthorization: FetchableRecord {}

extension SQLiteAcquirerStore {
    public func insertAuthorization<Extra: Sendable>(
        recoverAfter: Date,
        _ make: @escaping @Sendable (_ stan: String) throws -> (StoredAuthorization, Extra)
    ) async throws -> (id: Int64, authorization: StoredAuthorization, extra: Extra) {
        try await writer.write { db in
            let (authorization, extra) = try make(try Self.takeSTAN(db))
            try db.executeCached(
                sql: """
                    INSERT INTO authorization (order_id, merchant, terminal, stan, transmission, rrn, amount,
                        currency, masked_pan, state, recover_after)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?)
                    """,
                arguments: [
                    authorization.orderID, authorization.merchant, authorization.terminal, authorization.stan,
                    authorization.transmission, authorization.rrn, authorization.amount,
                    authorization.currency, authorization.maskedPAN, recoverAfter.timeIntervalSince1970,
                ])
            return (db.lastInsertedRowID, authorization, extra)
        }
    }

    public func finish(
        _ id: Int64, state: String, responseCode: String?, approvalCode: String?
    ) async throws
        -> Bool
    {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE authorization SET state = ?, response_code = ?, approval_code = ?
                    WHERE id = ? AND state = 'sent'
                    """,
                arguments: [state, responseCode, approvalCode, id])
            return db.changesCount == 1
        }
    }

    public func authorization(_ id: Int64) async throws -> StoredAuthorization? {
        try await database.snapshotRead { db in
            try StoredAuthorization.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM authorization WHERE id = ?"), arguments: [id])
        }
    }

    public func authorizations() async throws -> [StoredAuthorization] {
        try await database.snapshotRead { db in
            try StoredAuthorization.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM authorization ORDER BY id"))
        }
    }

    public func approvedAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization?
    {
        try await database.snapshotRead { db in
            try StoredAuthorization.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM authorization WHERE order_id = ? AND merchant = ? AND state = 'approved'
                        ORDER BY id DESC LIMIT 1
                        """),
                arguments: [orderID, merchant])
        }
    }

    public func latestAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization? {
        try await database.snapshotRead { db in
            try StoredAuthorization.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM authorization WHERE order_id = ? AND merchant = ? ORDER BY id DESC LIMIT 1"
                ),
                arguments: [orderID, merchant])
        }
    }

    public func interruptedAuthorizations(overdueAt: Date?) async throws -> [Int64] {
        try await database.snapshotRead { db in
            guard let overdueAt else {
                return try Int64.fetchAll(
                    db.cachedStatement(sql: "SELECT id FROM authorization WHERE state = 'sent' ORDER BY id"))
            }
            return try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM authorization
                        WHERE state = 'sent' AND (recover_after IS NULL OR recover_after <= ?) ORDER BY id
                        """),
                arguments: [overdueAt.timeIntervalSince1970])
        }
    }
}
