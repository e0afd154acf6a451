/// The store's view of a refund. JSON: `{"refundId","orderId","merchantId","state","amount",
/// "currency","result"?}`, `result` a ``SignedRefundResult`` once `state` is `final`.
public struct RefundView: Hashable, Sendable, Codable {
    public let refundID: String
    public let orderID: String
    public let merchantID: String
    public let state: RefundState
    public let amount: Int64
    public let currency: String
    public let result: SignedRefundResult?

    public init(
        refundID: String, orderID: String, merchantID: String, state: RefundState, amount: Int64,
        currency: String,
        result: SignedRefundResult?
    ) {
        self.refundID = refundID
        self.orderID = orderID
        self.merchantID = merchantID
        self.state = state
        self.amount = amount
        self.currency = currency
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case refundID = "refundId"
        case orderID = "orderId"
        case merchantID = "merchantId"
        case state, amount, currency, result
    }
}

/// Where a refund is.
public enum RefundState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Stored and sent (or to be sent) to the bank; repeated until it answers.
    case pending
    /// It has its signed result.
    case final
}
