/// The store's request to give money back for an approved sale (store → server), in full or in
/// part; several partial refunds may follow one another up to what the sale captured.
///
/// JSON: `{"refundId", "amount", "currency"}`, `amount` in minor units. The order is named by the
/// path, the merchant by authentication. The same `refundId` with the same amount may be sent
/// again (after a timeout, a crash): it is refunded once and answered with the same result.
public struct RefundRequest: Hashable, Sendable {
    /// Chosen by the store, unique among its refunds: 1–64 characters from `A–Z a–z 0–9 - . _ ~`.
    public let refundID: String
    /// What to give back: 1 to 999 999 999 999 minor units of the sale's currency.
    public let amount: Money

    /// Checks and creates a refund request.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(refundID: String, amount: Money) throws(OrderValidationError) {
        self.refundID = refundID
        self.amount = amount
        guard OrderText.isIdentifier(refundID, maxBytes: 64) else {
            throw .invalidField("refundId", "must be 1–64 characters from A–Z a–z 0–9 - . _ ~")
        }
        guard Money.isPayable(minorUnits: amount.minorUnits) else {
            throw .invalidField("amount", "must be 1 to 999999999999 minor units")
        }
    }

    /// A refund the server makes itself (a cancel after capture): its id has a `:`, which a
    /// store's refund id never has, so the two never collide.
    init(internalID: String, amount: Money) {
        self.refundID = internalID
        self.amount = amount
    }

    /// The prefix of the id of a refund a cancel after capture makes.
    public static let cancelPrefix = "cancel:"

    /// The refund a cancel after capture makes: the whole sale, id `cancel:` + order id.
    public static func cancelling(orderID: String, total: Money) -> RefundRequest {
        RefundRequest(internalID: cancelPrefix + orderID, amount: total)
    }
}

extension RefundRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case refundID = "refundId"
        case amount, currency
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            refundID: try container.decode(String.self, forKey: .refundID),
            amount: Money(
                minorUnits: try container.decode(Int64.self, forKey: .amount),
                currency: try container.decode(Currency.self, forKey: .currency)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(refundID, forKey: .refundID)
        try container.encode(amount.minorUnits, forKey: .amount)
        try container.encode(amount.currency, forKey: .currency)
    }
}
