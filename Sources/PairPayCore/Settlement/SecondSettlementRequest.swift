/// The customer's request (phone → server): "I pay this order with this card".
///
/// JSON: `{"merchantId","orderId","currency","total","contents"?,"contentsDigest"?,"payment"}`
/// with at least one of `contents` and `contentsDigest`. The user comes from authentication.
public struct SecondSettlementRequest: Hashable, Sendable, CustomStringConvertible {
    /// What the phone says the order is (everything but the payment).
    public let claim: OrderClaim
    /// How the customer pays.
    public let payment: PaymentInstrument

    /// Creates a second request from a checked claim.
    public init(claim: OrderClaim, payment: PaymentInstrument) {
        self.claim = claim
        self.payment = payment
    }

    /// The merchant the phone means to pay.
    public var merchantID: String { claim.merchantID }
    /// The order the phone means to pay.
    public var orderID: String { claim.orderID }

    /// Masked: never shows the card number, expiry or security code.
    public var description: String {
        "second request for order \(claim.orderID) at \(claim.merchantID), \(claim.total), paid by \(payment)"
    }
}

extension SecondSettlementRequest: Codable {
    enum CodingKeys: String, CodingKey { case payment }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.payment) else { throw OrderValidationError.missingField("payment") }
        self.init(
            claim: try OrderClaim(from: decoder),
            payment: try container.decode(PaymentInstrument.self, forKey: .payment))
    }

    public func encode(to encoder: any Encoder) throws {
        try claim.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(payment, forKey: .payment)
    }
}
