/// What the customer's phone says the order is: the part of a ``SecondSettlementRequest`` that
/// ``OrderMatcher`` compares with the store's ``OrderContents``. It holds no card data, so the
/// server may store it as it is.
public struct OrderClaim: Hashable, Sendable, Codable {
    /// The merchant the phone means to pay.
    public let merchantID: String
    /// The order the phone means to pay.
    public let orderID: String
    /// The amount the phone shows the customer.
    public let total: Money
    /// The full contents, when the phone has them.
    public let contents: OrderContents?
    /// The lowercase hex SHA-256 of the contents' canonical bytes, when the phone sent only that.
    public let contentsDigest: String?

    /// The currency the phone shows.
    public var currency: Currency { total.currency }

    /// Checks and creates a claim.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        merchantID: String, orderID: String, total: Money, contents: OrderContents?, contentsDigest: String?
    ) throws(OrderValidationError) {
        self.merchantID = merchantID
        self.orderID = orderID
        self.total = total
        self.contents = contents
        self.contentsDigest = contentsDigest
        guard OrderText.isIdentifier(merchantID, maxBytes: 32) else {
            throw .invalidField("merchantId", OrderText.identifierRule(maxBytes: 32))
        }
        guard OrderText.isIdentifier(orderID, maxBytes: 64) else {
            throw .invalidField("orderId", OrderText.identifierRule(maxBytes: 64))
        }
        guard Money.isPayable(minorUnits: total.minorUnits) else {
            throw .invalidField(
                "total", "must be " + Money.payableRangeDescription)
        }
        guard contents != nil || contentsDigest != nil else {
            throw .missingField("contents or contentsDigest (one of the two)")
        }
        if let contentsDigest, !OrderText.isDigestHex(contentsDigest) {
            throw .invalidField(
                "contentsDigest", "must be 64 lowercase hex digits (SHA-256 of the canonical order)")
        }
        if let contents, let contentsDigest, contents.contentsDigest != contentsDigest {
            throw .invalidField(
                "contentsDigest", "does not match contents: send one of the two, or both consistent")
        }
    }

    enum CodingKeys: String, CodingKey {
        case merchantID = "merchantId"
        case orderID = "orderId"
        case currency, total, contents, contentsDigest
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try container.decode(Currency.self, forKey: .currency)
        try self.init(
            merchantID: try container.decode(String.self, forKey: .merchantID),
            orderID: try container.decode(String.self, forKey: .orderID),
            total: Money(minorUnits: try container.decode(Int64.self, forKey: .total), currency: currency),
            contents: try container.decodeIfPresent(OrderContents.self, forKey: .contents),
            contentsDigest: try container.decodeIfPresent(String.self, forKey: .contentsDigest))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(currency, forKey: .currency)
        try container.encode(total.minorUnits, forKey: .total)
        try container.encodeIfPresent(contents, forKey: .contents)
        try container.encodeIfPresent(contentsDigest, forKey: .contentsDigest)
    }
}
