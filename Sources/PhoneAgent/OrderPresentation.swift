import PairPayCore

/// What the phone shows before the customer agrees to pay: one fact per line.
///
/// ```
/// order PP-TERM-7-3KX9D0QH2M at MERCHANT-42
/// item 4901234567894 1 x JPY 500 + tax JPY 25 = JPY 525 Peanut butter
/// item 4909876543210 1 x JPY 600 + tax JPY 30 = JPY 630 Grape jelly
/// total JPY 1155
/// ```
/// Without items in the code: `items not in the payment code (paying by contents digest)`.
/// Amounts use the currency's minor units (`USD 11.55`).
public struct OrderPresentation: Hashable, Sendable {
    /// The payment code shown.
    public let payload: PaymentPayload

    /// Presents `payload`.
    public init(_ payload: PaymentPayload) { self.payload = payload }

    /// `order ORDER at MERCHANT`.
    public var orderLine: String { "order \(payload.orderID) at \(payload.merchantID)" }

    /// One line per item, or one line saying they are not in the code.
    public var itemLines: [String] {
        guard let items = payload.lineItems else {
            return ["items not in the payment code (paying by contents digest)"]
        }
        let currency = payload.total.currency
        return items.map { item in
            let unit = Money(minorUnits: item.unitPrice, currency: currency)
            let tax = Money(minorUnits: item.tax, currency: currency)
            let line = (try? item.lineTotal()).map { " = \(Money(minorUnits: $0, currency: currency))" } ?? ""
            return "item \(item.code) \(item.quantity) x \(unit) + tax \(tax)\(line) \(item.name)"
        }
    }

    /// `total JPY 1155`.
    public var totalLine: String { "total \(payload.total)" }

    /// All lines, in order.
    public var lines: [String] { [orderLine] + itemLines + [totalLine] }

    /// The confirmation question: `Pay JPY 1155 to MERCHANT-42? [y/N]`.
    public var question: String { "Pay \(payload.total) to \(payload.merchantID)? [y/N]" }
}
