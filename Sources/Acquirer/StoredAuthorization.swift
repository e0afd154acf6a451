import DurableSQLite
import GRDB

/// An authorization as the acquirer remembers it: enough to reverse it, no card data.
public struct StoredAuthorization: Sendable, Equatable, Codable, FetchableRecord {
    public var id: Int64?
    public let orderID: String
    public let merchant: String
    public let terminal: String
    public let stan: String
    public let transmission: String
    public let rrn: String
    /// Minor units.
    public let amount: Int64
    /// ISO 4217 numeric code, as in field 49.
    public let currency: String
    public let maskedPAN: String
    /// `sent`, `approved`, `declined`, `not_sent`, `reversal_pending`, `reversed`, or
    /// `reversal_resolved` (a parked reversal the operator settled with the bank outside PairPay).
    public var state: String
    public var responseCode: String?
    public var approvalCode: String?

    enum CodingKeys: String, CodingKey {
        case id
        case orderID = "order_id"
        case merchant, terminal, stan, transmission, rrn, amount, currency
        case maskedPAN = "masked_pan"
        case state
        case responseCode = "response_code"
        case approvalCode = "approval_code"
    }
}

extension AcquirerStore {
    /// Takes the next STAN and records the authorization `make` builds with it (state `sent`), in
    /// one transaction: the number and the record of the message about to carry it reach the disk
    /// together, before anything is sent. `make` also returns what is to be sent; when it throws
    /// (a message that cannot be encoded), nothing is recorded and no STAN is used.
    func insertAuthorization<Extra: Sendable>(
        _ make: @escaping @Sendable (_ stan: String) throws -> (StoredAuthorization, Extra)
    ) async throws -> (id: Int64, authorization: StoredAuthorization, extra: Extra) {
        try await DurableDatabase.write(database) { db in
            let (authorization, extra) = try make(try Self.takeSTAN(db))
            try db.execute(
                sql: """
                    INSERT INTO authorization (order_id, merchant, terminal, stan, transmission, rrn, amount,
                        currency, masked_pan, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent')
                    """,
                arguments: [
                    authorization.orderID, authorization.merchant, authorization.terminal, authorization.stan,
                    authorization.transmission, authorization.rrn, authorization.amount,
                    authorization.currency,
                    authorization.maskedPAN,
                ])
            return (db.lastInsertedRowID, authorization, extra)
        }
    }

    func finish(_ id: Int64, state: String, responseCode: String?, approvalCode: String?) async throws {
        try await DurableDatabase.write(database) { db in
            try db.execute(
                sql: "UPDATE authorization SET state = ?, response_code = ?, approval_code = ? WHERE id = ?",
                arguments: [state, responseCode, approvalCode, id])
        }
    }

    /// One authorization by id.
    public func authorization(_ id: Int64) async throws -> StoredAuthorization? {
        try await DurableDatabase.read(database) { db in
            try StoredAuthorization.fetchOne(
                db, sql: "SELECT * FROM authorization WHERE id = ?", arguments: [id])
        }
    }

    /// Every authorization, oldest first.
    public func authorizations() async throws -> [StoredAuthorization] {
        try await DurableDatabase.read(database) { db in
            try StoredAuthorization.fetchAll(db, sql: "SELECT * FROM authorization ORDER BY id")
        }
    }

    /// The newest approved, not reversed authorization of `orderID` for `merchant` (field 42 as
    /// sent: padded to 15 characters).
    public func approvedAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization?
    {
        try await DurableDatabase.read(database) { db in
            try StoredAuthorization.fetchOne(
                db,
                sql: """
                    SELECT * FROM authorization WHERE order_id = ? AND merchant = ? AND state = 'approved'
                    ORDER BY id DESC LIMIT 1
                    """,
                arguments: [orderID, merchant])
        }
    }
}
