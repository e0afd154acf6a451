/// The server's final word on one refund, signed as a ``SignedRefundResult`` with the same key as
/// the results of sales.
///
/// JSON: `{"refundId","merchantId","orderId","status","reason","amount","currency","approvalCode"?,
/// "decidedAt"}` with `decidedAt` in unix seconds.
public struct RefundResult: Hashable, Sendable {
    /// The store's id of the refund: 1–64 characters from `A–Z a–z 0–9 - . _ ~`.
    public let refundID: String
    public let merchantID: String
    /// The sale it gives money back for.
    public let orderID: String
    public let status: RefundStatus
    public let reason: RefundReason
    /// What is given back (for a declined refund: what was asked for).
    public let amount: Money
    /// The bank's approval code of an approved refund.
    public let approvalCode: String?
    /// When the server decided, in unix seconds.
    public let decidedAt: Int64

    public init(
        refundID: String, merchantID: String, orderID: String, status: RefundStatus, reason: RefundReason,
        amount: Money, approvalCode: String? = nil, decidedAt: Int64
    ) {
        self.refundID = refundID
        self.merchantID = merchantID
        self.orderID = orderID
        self.status = status
        self.reason = reason
        self.amount = amount
        self.approvalCode = approvalCode
        self.decidedAt = decidedAt
    }

    /// The domain-separation tag that starts every canonical refund encoding, so a refund's
    /// signature can never pass for a sale's.
    public static let canonicalTag = "PAIRPAY-REFUND-V1"

    /// The bytes the server signs (`docs/CANONICAL-ORDER.md` §4, refund results).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.string(Self.canonicalTag)
        writer.string(refundID)
        writer.string(merchantID)
        writer.string(orderID)
        writer.string(status.rawValue)
        writer.string(reason.rawValue)
        writer.string(amount.currency.code)
        writer.int64(amount.minorUnits)
        writer.optionalString(approvalCode)
        writer.int64(decidedAt)
        return writer.bytes
    }
}

/// How a refund ended.
public enum RefundStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// The money goes back to the card.
    case approved
    /// Nothing was given back: see the reason.
    case declined
}

/// Why a refund ended as it did. JSON uses the kebab-case raw values.
public enum RefundReason: String, Hashable, Sendable, Codable, CaseIterable {
    case approved
    /// The refunds of the sale would add up to more than was paid.
    case exceedsCaptured = "exceeds-captured"
    /// The sale is not one money can be given back for (its payment was reversed, or never
    /// captured by the bank).
    case notRefundable = "not-refundable"
    /// The bank refused it.
    case declined
}

extension RefundResult: Codable {
    enum CodingKeys: String, CodingKey {
        case refundID = "refundId"
        case merchantID = "merchantId"
        case orderID = "orderId"
        case status, reason, amount, currency, approvalCode, decidedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            refundID: try container.decode(String.self, forKey: .refundID),
            merchantID: try container.decode(String.self, forKey: .merchantID),
            orderID: try container.decode(String.self, forKey: .orderID),
            status: try container.decode(RefundStatus.self, forKey: .status),
            reason: try container.decode(RefundReason.self, forKey: .reason),
            amount: Money(
                minorUnits: try container.decode(Int64.self, forKey: .amount),
                currency: try container.decode(Currency.self, forKey: .currency)),
            approvalCode: try container.decodeIfPresent(String.self, forKey: .approvalCode),
            decidedAt: try container.decode(Int64.self, forKey: .decidedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(refundID, forKey: .refundID)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(amount.minorUnits, forKey: .amount)
        try container.encode(amount.currency, forKey: .currency)
        try container.encodeIfPresent(approvalCode, forKey: .approvalCode)
        try container.encode(decidedAt, forKey: .decidedAt)
    }
}
