/// The server's final word on an order, signed as a ``SignedSettlementResult``.
///
/// JSON: `{"resultId","merchantId","orderId","status","reason","total","currency","approvalCode"?,
/// "cardLast4"?,"decidedAt","receipt"?}` with `decidedAt` in unix seconds.
public struct SettlementResult: Hashable, Sendable {
    /// Unique per result: 1–64 printable ASCII characters.
    public let resultID: String
    public let merchantID: String
    public let orderID: String
    public let status: SettlementStatus
    public let reason: SettlementReason
    /// The amount the order was for.
    public let total: Money
    /// The issuer's approval code, for approved orders.
    public let approvalCode: String?
    /// The card's last four digits; nobody but the cardholder's bank sees more.
    public let cardLast4: String?
    /// When the server decided, in unix seconds.
    public let decidedAt: Int64
    /// The authorization's references for the receipt, when the bank was asked (signed as
    /// `PAIRPAY-RESULT-V2`; a result without them keeps the V1 bytes).
    public let receipt: ReceiptData?

    /// Checks and creates a result.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        resultID: String, merchantID: String, orderID: String, status: SettlementStatus,
        reason: SettlementReason, total: Money, approvalCode: String? = nil, cardLast4: String? = nil,
        decidedAt: Int64, receipt: ReceiptData? = nil
    ) throws(OrderValidationError) {
        self.receipt = receipt
        self.resultID = resultID
        self.merchantID = merchantID
        self.orderID = orderID
        self.status = status
        self.reason = reason
        self.total = total
        self.approvalCode = approvalCode
        self.cardLast4 = cardLast4
        self.decidedAt = decidedAt
        guard OrderText.isToken(resultID, maxBytes: 64) else {
            throw .invalidField("resultId", "must be 1–64 printable ASCII characters without spaces")
        }
        guard OrderText.isToken(merchantID, maxBytes: 32) else {
            throw .invalidField("merchantId", "must be 1–32 printable ASCII characters without spaces")
        }
        guard OrderText.isToken(orderID, maxBytes: 64) else {
            throw .invalidField("orderId", "must be 1–64 printable ASCII characters without spaces")
        }
        if let approvalCode, !OrderText.isToken(approvalCode, maxBytes: 12) {
            throw .invalidField("approvalCode", "must be 1–12 printable ASCII characters")
        }
        if let cardLast4,
            cardLast4.utf8.count != 4 || !cardLast4.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        {
            throw .invalidField("cardLast4", "must be exactly 4 digits")
        }
    }

    /// The result's currency.
    public var currency: Currency { total.currency }
}

extension SettlementResult: Codable {
    enum CodingKeys: String, CodingKey {
        case resultID = "resultId"
        case merchantID = "merchantId"
        case orderID = "orderId"
        case status, reason, total, currency, approvalCode, cardLast4, decidedAt, receipt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try container.decode(Currency.self, forKey: .currency)
        try self.init(
            resultID: try container.decode(String.self, forKey: .resultID),
            merchantID: try container.decode(String.self, forKey: .merchantID),
            orderID: try container.decode(String.self, forKey: .orderID),
            status: try container.decode(SettlementStatus.self, forKey: .status),
            reason: try container.decode(SettlementReason.self, forKey: .reason),
            total: Money(minorUnits: try container.decode(Int64.self, forKey: .total), currency: currency),
            approvalCode: try container.decodeIfPresent(String.self, forKey: .approvalCode),
            cardLast4: try container.decodeIfPresent(String.self, forKey: .cardLast4),
            decidedAt: try container.decode(Int64.self, forKey: .decidedAt),
            receipt: try container.decodeIfPresent(ReceiptData.self, forKey: .receipt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(resultID, forKey: .resultID)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(total.minorUnits, forKey: .total)
        try container.encode(currency, forKey: .currency)
        try container.encodeIfPresent(approvalCode, forKey: .approvalCode)
        try container.encodeIfPresent(cardLast4, forKey: .cardLast4)
        try container.encode(decidedAt, forKey: .decidedAt)
        try container.encodeIfPresent(receipt, forKey: .receipt)
    }
}
