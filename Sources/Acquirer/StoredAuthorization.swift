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
    /// `sent`, `approved`, `declined`, `not_sent`, `reversal_pending` or `reversed`.
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
    /// together, before anything is sent. Returns the record's id and the record.
    func insertAuthorization(
        _ make: (_ stan: String) -> StoredAuthorization
    ) throws -> (id: Int64, authorization: StoredAuthorization) {
        try database.write { db in
            let authorization = make(try Self.takeSTAN(db))
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
            return (db.lastInsertedRowID, authorization)
        }
    }

    func finish(_ id: Int64, state: String, responseCode: String?, approvalCode: String?) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE authorization SET state = ?, response_code = ?, approval_code = ? WHERE id = ?",
                arguments: [state, responseCode, approvalCode, id])
        }
    }

    /// One authorization by id.
    public func authorization(_ id: Int64) throws -> StoredAuthorization? {
        try database.read { db in
            try StoredAuthorization.fetchOne(
                db, sql: "SELECT * FROM authorization WHERE id = ?", arguments: [id])
        }
    }

    /// Every authorization, oldest first.
    public func authorizations() throws -> [StoredAuthorization] {
        try database.read { db in
            try StoredAuthorization.fetchAll(db, sql: "SELECT * FROM authorization ORDER BY id")
        }
    }
}
