import Foundation
import PairPayCore

/// An order as a store's `settlement_order` row holds it: every scalar field in a column of its
/// own (the acquirer's reference as its id), each nested value (``OrderRecord/NestedParts``) as
/// JSON in one column.
///
/// Both stores map their rows to and from this type, so the list of fields is kept once. Nested
/// values are encoded only for the parts asked for (an update writes the ``OrderRecord/unsavedParts``
/// and keeps the other columns as they are), and decoded on every read.
public struct StoredOrderColumns: Sendable {
    public var merchantID: String
    public var orderID: String
    /// ``OrderState``'s raw value.
    public var state: String
    public var contents: String?
    public var requestedExpirySeconds: Int?
    public var firstFingerprint: String?
    public var claim: String?
    public var laneID: String?
    public var userID: String?
    public var secondFingerprint: String?
    public var sealedPendingCard: Data?
    public var cardLast4: String?
    /// ``AuthorizationReference/id``.
    public var authorizationID: Int64?
    public var result: String?
    public var expiresAt: Date
    public var recoverAfter: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    /// The columns of `order`, with the JSON of the nested values in `parts` (the others nil:
    /// not to be written).
    /// - Throws: an `EncodingError` (no value of these types fails to encode).
    public init(_ order: OrderRecord, encoding parts: OrderRecord.NestedParts) throws {
        self.init(
            merchantID: order.merchantID, orderID: order.orderID, state: order.state.rawValue,
            contents: parts.contains(.contents) ? try Self.json(order.contents) : nil,
            requestedExpirySeconds: order.requestedExpirySeconds, firstFingerprint: order.firstFingerprint,
            claim: parts.contains(.claim) ? try Self.json(order.claim) : nil, laneID: order.laneID,
            userID: order.userID, secondFingerprint: order.secondFingerprint,
            sealedPendingCard: order.sealedPendingCard, cardLast4: order.cardLast4,
            authorizationID: order.authorization?.id,
            result: parts.contains(.result) ? try Self.json(order.result) : nil, expiresAt: order.expiresAt,
            recoverAfter: order.recoverAfter, version: order.version, createdAt: order.createdAt,
            updatedAt: order.updatedAt)
    }

    /// The `settlement_order` columns of both stores, in the order of the row initializer's
    /// parameters (each store's row reader reads them by position).
    public static let columnNames = """
        merchant_id, order_id, state, contents, requested_expiry_seconds, first_fingerprint, claim, lane_id,
        user_id, second_fingerprint, sealed_pending_card, card_last4, authorization_id, result,
        expires_at, recover_after, version, created_at, updated_at
        """

    /// An order as a store kept it before its order-columns migration: one JSON record
    /// (``OrderRecord/storageDecoder``) beside its version. Read by the migrations and by readers
    /// that apply none (reconciliation).
    public static func legacyRecord(_ json: String, version: Int64) throws -> OrderRecord {
        var order = try OrderRecord.storageDecoder.decode(OrderRecord.self, from: Data(json.utf8))
        order.version = version
        return order
    }

    /// Columns as read from a row.
    public init(
        merchantID: String, orderID: String, state: String, contents: String?, requestedExpirySeconds: Int?,
        firstFingerprint: String?, claim: String?, laneID: String?, userID: String?,
        secondFingerprint: String?, sealedPendingCard: Data?, cardLast4: String?, authorizationID: Int64?,
        result: String?, expiresAt: Date, recoverAfter: Date?, version: Int64, createdAt: Date,
        updatedAt: Date
    ) {
        self.merchantID = merchantID
        self.orderID = orderID
        self.state = state
        self.contents = contents
        self.requestedExpirySeconds = requestedExpirySeconds
        self.firstFingerprint = firstFingerprint
        self.claim = claim
        self.laneID = laneID
        self.userID = userID
        self.secondFingerprint = secondFingerprint
        self.sealedPendingCard = sealedPendingCard
        self.cardLast4 = cardLast4
        self.authorizationID = authorizationID
        self.result = result
        self.expiresAt = expiresAt
        self.recoverAfter = recoverAfter
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The order these columns hold, marked saved (``OrderRecord/unsavedParts`` empty).
    /// - Throws: ``StoredOrderError`` naming the column that cannot be read.
    public func record() throws(StoredOrderError) -> OrderRecord {
        guard let state = OrderState(rawValue: state) else {
            throw .unreadable(merchantID: merchantID, orderID: orderID, column: "state")
        }
        var order = OrderRecord(
            merchantID: merchantID, orderID: orderID, state: state, expiresAt: expiresAt, createdAt: createdAt
        )
        order.contents = try decode(OrderContents.self, contents, column: "contents")
        order.requestedExpirySeconds = requestedExpirySeconds
        order.firstFingerprint = firstFingerprint
        order.claim = try decode(OrderClaim.self, claim, column: "claim")
        order.laneID = laneID
        order.userID = userID
        order.secondFingerprint = secondFingerprint
        order.sealedPendingCard = sealedPendingCard
        order.cardLast4 = cardLast4
        order.authorization = authorizationID.map(AuthorizationReference.init(id:))
        order.result = try decode(SignedSettlementResult.self, result, column: "result")
        order.recoverAfter = recoverAfter
        order.version = version
        order.updatedAt = updatedAt
        order.markSaved()
        return order
    }

    static func json<T: Encodable>(_ value: T?) throws -> String? {
        try value.map { String(decoding: try OrderRecord.storageEncoder.encode($0), as: UTF8.self) }
    }

    func decode<T: Decodable>(_ type: T.Type, _ text: String?, column: String) throws(StoredOrderError) -> T?
    {
        guard let text else { return nil }
        do { return try OrderRecord.storageDecoder.decode(T.self, from: Data(text.utf8)) } catch {
            throw .unreadable(merchantID: merchantID, orderID: orderID, column: column)
        }
    }
}

/// A stored order that cannot be read back.
public enum StoredOrderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A column holds what this version cannot decode: the row was written by another program or
    /// a newer version. Restore the database from before the change, or run the version that wrote it.
    case unreadable(merchantID: String, orderID: String, column: String)

    public var description: String {
        switch self {
        case .unreadable(let merchant, let order, let column):
            return
                "order '\(order)' of merchant '\(merchant)': column \(column) cannot be read; the row was written by another program or a newer PairPay: run the version that wrote it, or restore the database"
        }
    }
}
