import PairPayCore

/// The order of docs/CANONICAL-ORDER.md's `order-basic` vector, and variations of it.
enum OrderFixtures {
    static func contents(
        merchant: String = "MERCHANT-42", order: String = "PP-TERM-7-000042", peanutPrice: Int64 = 500,
        peanutQuantity: Int64 = 1
    ) throws -> OrderContents {
        try OrderContents(
            merchantID: merchant, orderID: order, currency: .jpy,
            lineItems: [
                try OrderLineItem(
                    code: "4901234567894", name: "Peanut butter", unitPrice: peanutPrice,
                    quantity: peanutQuantity,
                    tax: 25),
                try OrderLineItem(
                    code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
            ])
    }

    static func claim(
        from contents: OrderContents, digestOnly: Bool = false, total: Int64? = nil
    ) throws
        -> OrderClaim
    {
        try OrderClaim(
            merchantID: contents.merchantID, orderID: contents.orderID,
            total: Money(minorUnits: total ?? contents.total.minorUnits, currency: contents.currency),
            contents: digestOnly ? nil : contents, contentsDigest: digestOnly ? contents.contentsDigest : nil)
    }
}
