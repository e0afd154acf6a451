/// One line of an order: what was bought, how many, at what unit price and with how much tax.
///
/// Amounts are whole minor units of the order's currency (yen for JPY, cents for USD).
public struct OrderLineItem: Hashable, Sendable, Codable {
    /// The product code, for example a JAN/EAN barcode: 1–32 printable ASCII characters, no spaces.
    public let code: String
    /// The product name as printed on the receipt: 1–120 UTF-8 bytes, no control characters.
    public let name: String
    /// The price of one unit, in minor units, ≥ 0.
    public let unitPrice: Int64
    /// How many units, ≥ 1.
    public let quantity: Int64
    /// The tax on the whole line, in minor units, ≥ 0.
    public let tax: Int64

    /// Checks and creates a line item.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        code: String, name: String, unitPrice: Int64, quantity: Int64, tax: Int64
    )
        throws(OrderValidationError)
    {
        self.code = code
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.tax = tax
        try validate(index: nil)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        unitPrice = try container.decode(Int64.self, forKey: .unitPrice)
        quantity = try container.decode(Int64.self, forKey: .quantity)
        tax = try container.decode(Int64.self, forKey: .tax)
        try validate(index: nil)
    }

    /// The line's amount: `unitPrice × quantity + tax`.
    /// - Throws: ``OrderValidationError/amountOverflow`` when it does not fit in 64 bits.
    public func lineTotal() throws(OrderValidationError) -> Int64 {
        let (product, overflowA) = unitPrice.multipliedReportingOverflow(by: quantity)
        let (sum, overflowB) = product.addingReportingOverflow(tax)
        guard !overflowA, !overflowB else { throw .amountOverflow }
        return sum
    }

    func validate(index: Int?) throws(OrderValidationError) {
        let prefix = index.map { "lineItems[\($0)]." } ?? ""
        guard OrderText.isToken(code, maxBytes: 32) else {
            throw .invalidField(prefix + "code", "must be 1–32 printable ASCII characters without spaces")
        }
        guard OrderText.isDisplayText(name, maxBytes: 120) else {
            throw .invalidField(prefix + "name", "must be 1–120 UTF-8 bytes without control characters")
        }
        guard unitPrice >= 0 else {
            throw .invalidField(prefix + "unitPrice", "must be 0 or more minor units")
        }
        guard quantity >= 1 else { throw .invalidField(prefix + "quantity", "must be 1 or more") }
        guard tax >= 0 else { throw .invalidField(prefix + "tax", "must be 0 or more minor units") }
    }
}
