/// What the store sells in one order: the merchant, the order id, the line items and the total.
///
/// Both the store (first request) and the customer's phone (second request) send it; the server
/// compares the two with ``OrderMatcher``. JSON:
/// `{"merchantId","orderId","currency":"JPY","total":1155,"lineItems":[{"code","name","unitPrice","quantity","tax"}]}`.
public struct OrderContents: Hashable, Sendable {
    /// The merchant: 1–32 characters from `A–Z a–z 0–9 - . _ ~`, not `.` or `..`.
    public let merchantID: String
    /// The store's order id, unique per merchant: 1–64 characters from `A–Z a–z 0–9 - . _ ~`, not
    /// `.` or `..`, so that it stands in a URL path as it is.
    public let orderID: String
    /// The lines, 1–99 of them.
    public let lineItems: [OrderLineItem]
    /// The amount to pay: Σ(unitPrice × quantity + tax) in the order's currency, 1 …
    /// ``Money/maximumPayableMinorUnits`` minor units.
    public let total: Money

    /// The order's currency.
    public var currency: Currency { total.currency }

    /// Checks and creates order contents.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        merchantID: String, orderID: String, lineItems: [OrderLineItem], total: Money
    )
        throws(OrderValidationError)
    {
        self.merchantID = merchantID
        self.orderID = orderID
        self.lineItems = lineItems
        self.total = total
        try validate()
    }

    /// Creates contents whose total is computed from the line items.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        merchantID: String, orderID: String, currency: Currency, lineItems: [OrderLineItem]
    )
        throws(OrderValidationError)
    {
        var sum: Int64 = 0
        for item in lineItems {
            let (next, overflow) = sum.addingReportingOverflow(try item.lineTotal())
            guard !overflow else { throw .amountOverflow }
            sum = next
        }
        try self.init(
            merchantID: merchantID, orderID: orderID, lineItems: lineItems,
            total: Money(minorUnits: sum, currency: currency))
    }

    /// Whether `value` may be a merchant id, an order id, or a part of one (a terminal id that
    /// prefixes generated order ids): 1…`maxLength` characters from `A–Z a–z 0–9 - . _ ~`, not `.`
    /// or `..`.
    public static func isValidIdentifier(_ value: String, maxLength: Int) -> Bool {
        OrderText.isIdentifier(value, maxBytes: maxLength)
    }

    func validate() throws(OrderValidationError) {
        guard OrderText.isIdentifier(merchantID, maxBytes: 32) else {
            throw .invalidField("merchantId", OrderText.identifierRule(maxBytes: 32))
        }
        guard OrderText.isIdentifier(orderID, maxBytes: 64) else {
            throw .invalidField("orderId", OrderText.identifierRule(maxBytes: 64))
        }
        guard (1...99).contains(lineItems.count) else {
            throw .invalidField("lineItems", "must hold 1 to 99 items, got \(lineItems.count)")
        }
        var sum: Int64 = 0
        for (index, item) in lineItems.enumerated() {
            try item.validate(index: index)
            let (next, overflow) = sum.addingReportingOverflow(try item.lineTotal())
            guard !overflow else { throw .amountOverflow }
            sum = next
        }
        guard sum == total.minorUnits else { throw .totalMismatch(expected: sum, got: total.minorUnits) }
        guard Money.isPayable(minorUnits: total.minorUnits) else {
            throw .invalidField(
                "total",
                "must be \(Money.payableRangeDescription), got \(total.minorUnits)"
            )
        }
    }
}

extension OrderContents: Codable {
    enum CodingKeys: String, CodingKey {
        case merchantID = "merchantId"
        case orderID = "orderId"
        case currency, total, lineItems
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try container.decode(Currency.self, forKey: .currency)
        try self.init(
            merchantID: try container.decode(String.self, forKey: .merchantID),
            orderID: try container.decode(String.self, forKey: .orderID),
            lineItems: try container.decode([OrderLineItem].self, forKey: .lineItems),
            total: Money(minorUnits: try container.decode(Int64.self, forKey: .total), currency: currency))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(merchantID, forKey: .merchantID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(currency, forKey: .currency)
        try container.encode(total.minorUnits, forKey: .total)
        try container.encode(lineItems, forKey: .lineItems)
    }
}
