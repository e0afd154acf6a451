import Foundation
import PairPayCore

/// What the store sees of an order: state, expiry and, once final, the signed result.
/// Holds no card data beyond the result's last four digits.
///
/// JSON: `{"orderId","merchantId","state","result"?,"expiresAt"}` with `expiresAt` in unix seconds.
public struct OrderStatusView: Hashable, Sendable, Codable {
    public let orderID: String
    public let merchantID: String
    public let state: OrderState
    /// The signed result, once ``state`` is ``OrderState/final``.
    public let result: SignedSettlementResult?
    /// When the order expires if it is still waiting, in unix seconds.
    public let expiresAt: Int64

    public init(
        orderID: String, merchantID: String, state: OrderState, result: SignedSettlementResult?,
        expiresAt: Int64
    ) {
        self.orderID = orderID
        self.merchantID = merchantID
        self.state = state
        self.result = result
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderId"
        case merchantID = "merchantId"
        case state, result, expiresAt
    }
}
