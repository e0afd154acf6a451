import DurableSQLite
import Foundation
import GRDB

extension SQLiteAcquirerStore {
    public func insertPostSale(_ draft: PostSaleDraft) async throws -> PostSaleInsertion {
        // One writer at a time: the checks and the insert see no other change in between.
        try await writer.write { db in
            guard
                let authorization = try StoredAuthorization.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM authorization WHERE id = ?"),
                    arguments: [draft.authorizationID])
            else { throw AcquirerError.unknownAuthorization(draft.authorizationID) }
            let existing = try Self.postSales(db, authorizationID: draft.authorizationID)
            let plan = PostSalePlan(draft: draft, authorization: authorization, existing: existing)
            switch plan.decision {
            case .existing(let message): return .existing(message)
            case .refused(let reason): return .refused(reason)
            case .insert(let amount):
                let stan = try Self.takeSTAN(db)
                try db.executeCached(
                    sql: """
                        INSERT INTO post_sale (kind, authorization_id, key, amount, stan, transmission, rrn, state,
                            created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                        """,
                    arguments: [
                        draft.kind.rawValue, draft.authorizationID, draft.key, amount, stan,
                        draft.transmission,
                        draft.rrnPrefix + stan, Date().timeIntervalSince1970,
                    ])
                return .inserted(
                    PostSaleMessage(
                        id: db.lastInsertedRowID, kind: draft.kind, authorizationID: draft.authorizationID,
                        key: draft.key, amount: amount, stan: stan, transmission: draft.transmission,
                        rrn: draft.rrnPrefix + stan, state: .pending))
            }
        }
    }

    public func postSales(authorizationID: Int64) async throws -> [PostSaleMessage] {
        try await database.snapshotRead { db in
            try Self.postSales(db, authorizationID: authorizationID)
        }
    }

    public func pendingPostSales() async throws -> [PostSaleMessage] {
        try await database.snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM post_sale WHERE state = 'pending'
                        ORDER BY CASE kind WHEN 'capture' THEN 0 ELSE 1 END, id
                        """)
            ).map(Self.postSaleMessage)
        }
    }

    public func claimPostSale(_ id: Int64, now: Date, leaseUntil: Date) async throws -> Int? {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE post_sale SET attempts = attempts + 1, lease_until = ?
                    WHERE id = ? AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)
                    """,
                arguments: [leaseUntil.timeIntervalSince1970, id, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return nil }
            return try Int.fetchOne(
                db.cachedStatement(sql: "SELECT attempts - 1 FROM post_sale WHERE id = ?"), arguments: [id])
        }
    }

    public func releasePostSale(_ id: Int64) async throws {
        try await writer.write { db in
            try db.executeCached(sql: "UPDATE post_sale SET lease_until = NULL WHERE id = ?", arguments: [id])
        }
    }

    public func answerPostSale(
        _ id: Int64, state: PostSaleMessage.State, responseCode: String, approvalCode: String?
    ) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE post_sale SET state = ?, response_code = ?, approval_code = ?, lease_until = NULL
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [state.rawValue, responseCode, approvalCode, id])
        }
    }

    public func uncapturedAuthorizations(merchant: String) async throws -> [StoredAuthorization] {
        try await database.snapshotRead { db in
            try StoredAuthorization.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM authorization a WHERE merchant = ? AND state = 'approved'
                        AND NOT EXISTS (SELECT 1 FROM post_sale p WHERE p.authorization_id = a.id AND p.kind = 'capture')
                        ORDER BY id
                        """),
                arguments: [merchant])
        }
    }

    static func postSales(_ db: Database, authorizationID: Int64) throws -> [PostSaleMessage] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM post_sale WHERE authorization_id = ? ORDER BY id"),
            arguments: [authorizationID]
        ).map(postSaleMessage)
    }

    /// The capture of authorization `id`, if one is stored.
    static func capture(_ db: Database, of id: Int64) throws -> PostSaleMessage? {
        try postSales(db, authorizationID: id).first { $0.kind == .capture }
    }

    static func postSaleMessage(_ row: Row) -> PostSaleMessage {
        PostSaleMessage(
            id: row["id"], kind: PostSaleMessage.Kind(rawValue: row["kind"]) ?? .refund,
            authorizationID: row["authorization_id"], key: row["key"], amount: row["amount"],
            stan: row["stan"],
            transmission: row["transmission"], rrn: row["rrn"],
            state: PostSaleMessage.State(rawValue: row["state"]) ?? .pending,
            responseCode: row["response_code"],
            approvalCode: row["approval_code"], attempts: row["attempts"])
    }
}
