import Acquirer
import Foundation
import PostgresNIO

extension PostgresAcquirerStore {
    public func insertPostSale(_ draft: PostSaleDraft) async throws -> PostSaleInsertion {
        try await database.transaction { transaction in
            // The authorization row is locked first: a capture, a reversal and refunds of the same
            // sale, asked for on several instances at once, are decided one after the other.
            guard
                let authorization = try await transaction.query(
                    "SELECT * FROM acquirer_authorization WHERE id = \(draft.authorizationID) FOR UPDATE"
                ).first.map(Self.storedAuthorization)
            else { throw AcquirerError.unknownAuthorization(draft.authorizationID) }
            let existing = try await transaction.query(
                "SELECT * FROM acquirer_post_sale WHERE authorization_id = \(draft.authorizationID) ORDER BY id"
            ).map(Self.postSaleMessage)
            switch PostSalePlan(draft: draft, authorization: authorization, existing: existing).decision {
            case .existing(let message): return .existing(message)
            case .refused(let reason): return .refused(reason)
            case .insert(let amount):
                let stan = try await Self.takeSTAN(transaction)
                let rrn = draft.rrnPrefix + stan
                let id =
                    try await transaction.query(
                        """
                        INSERT INTO acquirer_post_sale (kind, authorization_id, key, amount, stan, transmission, rrn, state)
                        VALUES (\(draft.kind.rawValue), \(draft.authorizationID), \(draft.key), \(amount), \(stan),
                            \(draft.transmission), \(rrn), 'pending')
                        RETURNING id
                        """
                    ).first.map { try $0.decode(Int64.self) } ?? 0
                return .inserted(
                    PostSaleMessage(
                        id: id, kind: draft.kind, authorizationID: draft.authorizationID, key: draft.key,
                        amount: amount, stan: stan, transmission: draft.transmission, rrn: rrn,
                        state: .pending))
            }
        }
    }

    public func postSales(authorizationID: Int64) async throws -> [PostSaleMessage] {
        try await database.query(
            "SELECT * FROM acquirer_post_sale WHERE authorization_id = \(authorizationID) ORDER BY id"
        ).map(Self.postSaleMessage)
    }

    public func pendingPostSales() async throws -> [PostSaleMessage] {
        try await database.query(
            """
            SELECT * FROM acquirer_post_sale WHERE state = 'pending'
            ORDER BY CASE kind WHEN 'capture' THEN 0 ELSE 1 END, id
            """
        ).map(Self.postSaleMessage)
    }

    public func claimPostSale(_ id: Int64, now: Date, leaseUntil: Date) async throws -> Int? {
        try await database.query(
            """
            UPDATE acquirer_post_sale SET attempts = attempts + 1, lease_until = \(leaseUntil)
            WHERE id = \(id) AND state = 'pending' AND (lease_until IS NULL OR lease_until <= \(now))
            RETURNING attempts - 1
            """
        ).first.map { Int(try $0.decode(Int64.self)) }
    }

    public func releasePostSale(_ id: Int64) async throws {
        _ = try await database.query("UPDATE acquirer_post_sale SET lease_until = NULL WHERE id = \(id)")
    }

    public func answerPostSale(
        _ id: Int64, state: PostSaleMessage.State, responseCode: String, approvalCode: String?
    ) async throws {
        _ = try await database.query(
            """
            UPDATE acquirer_post_sale SET state = \(state.rawValue), response_code = \(responseCode),
                approval_code = \(approvalCode), lease_until = NULL
            WHERE id = \(id) AND state = 'pending'
            """)
    }

    public func uncapturedAuthorizations(merchant: String) async throws -> [StoredAuthorization] {
        try await database.query(
            """
            SELECT * FROM acquirer_authorization a WHERE merchant = \(merchant) AND state = 'approved'
            AND NOT EXISTS (SELECT 1 FROM acquirer_post_sale p WHERE p.authorization_id = a.id AND p.kind = 'capture')
            ORDER BY id
            """
        ).map(Self.storedAuthorization)
    }

    static func postSaleMessage(_ row: PostgresRow) throws -> PostSaleMessage {
        PostSaleMessage(
            id: try row.column("id"),
            kind: PostSaleMessage.Kind(rawValue: try row.column("kind")) ?? .refund,
            authorizationID: try row.column("authorization_id"), key: try row.column("key"),
            amount: try row.column("amount"), stan: try row.column("stan"),
            transmission: try row.column("transmission"), rrn: try row.column("rrn"),
            state: PostSaleMessage.State(rawValue: try row.column("state")) ?? .pending,
            responseCode: try row.column("response_code"), approvalCode: try row.column("approval_code"),
            attempts: Int(try row.column("attempts", as: Int64.self)))
    }
}
