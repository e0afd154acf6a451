import Foundation
import PairPayCore

/// One refund as the settlement server keeps it: asked for by the store, `pending` until the bank
/// answers, then final with its signed result. Unique per merchant by ``refundID``.
public struct RefundRecord: Hashable, Sendable, Codable {
    public let merchantID: String
    public let refundID: String
    public let orderID: String
    /// What the store asked to give back.
    public let amount: Money
    public var state: RefundState
    /// The signed result, once final.
    public var result: SignedRefundResult?
    public let createdAt: Date
    public var updatedAt: Date

    public init(merchantID: String, refundID: String, orderID: String, amount: Money, createdAt: Date) {
        self.merchantID = merchantID
        self.refundID = refundID
        self.orderID = orderID
        self.amount = amount
        self.state = .pending
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case merchantID, refundID, orderID, amount, currency, state, result, createdAt, updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        merchantID = try container.decode(String.self, forKey: .merchantID)
        refundID = try container.decode(String.self, forKey: .refundID)
        orderID = try container.decode(String.self, forKey: .orderID)
        amount = Money(
            minorUnits: try container.decode(Int64.self, forKey: .amount),
            currency: try container.decode(Currency.self, forKey: .currency))
        state = try container.decode(RefundState.self, forKey: .state)
        result = try container.decodeIfPresent(SignedRefundResult.self, forKey: .result)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        updatedAt = try container.decode(Date.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(refundID, forKey: .refundID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(amount.minorUnits, forKey: .amount)
        try container.encode(amount.currency, forKey: .currency)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(result, forKey: .result)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    /// What the store sees of it.
    public var view: RefundView {
        RefundView(
            refundID: refundID, orderID: orderID, merchantID: merchantID, state: state,
            amount: amount.minorUnits, currency: amount.currency.code, result: result)
    }
}

/// Refunds and their results.
public protocol RefundStore: Sendable {
    /// The refund `refundID` of `merchantID`, or nil.
    func refund(merchantID: String, refundID: String) async throws -> RefundRecord?
    /// Every refund of one order, oldest first.
    func refunds(merchantID: String, orderID: String) async throws -> [RefundRecord]
    /// Stores a new `pending` refund.
    /// - Throws: ``SettlementStoreError/concurrentChange`` when the merchant has a refund with this
    ///   id already (another request stored it meanwhile), or the order is no longer stored (the
    ///   history purge took it meanwhile): read both again.
    func insertRefund(_ refund: RefundRecord) async throws
    /// Stores the refund's result if it is still `pending`; `false` (nothing written) when another
    /// request finished it first.
    func finishRefund(_ refund: RefundRecord) async throws -> Bool
    /// Refunds still `pending` last changed at or before `date`: what recovery drives on.
    func pendingRefunds(updatedBefore date: Date) async throws -> [RefundRecord]
}

extension RefundRecord {
    /// How every store writes a refund's JSON (as orders: sorted keys, seconds since 1970).
    public static var storageEncoder: JSONEncoder { OrderRecord.storageEncoder }
    /// How every store reads it back.
    public static var storageDecoder: JSONDecoder { OrderRecord.storageDecoder }
}
