import PairPayCore

/// What an end-of-day batch close captured. JSON: `{"merchantId","closedAt","captures":[{"orderId",
/// "amount","currency","state"}],"totals":[{"currency","count","amount"}]}`; `state` is `captured`,
/// `declined` (the bank refused: nothing was posted) or `pending` (stored, repeated until the bank
/// answers; the next close reports nothing more for it). `totals` counts the captured ones.
public struct BatchCloseView: Hashable, Sendable, Codable {
    /// One sale's capture.
    public struct Capture: Hashable, Sendable, Codable {
        public let orderId: String
        public let amount: Int64
        public let currency: String
        public let state: String
    }

    /// The captured sales of one currency.
    public struct Total: Hashable, Sendable, Codable {
        public let currency: String
        public let count: Int
        public let amount: Int64
    }

    public let merchantId: String
    /// Unix seconds.
    public let closedAt: Int64
    public let captures: [Capture]
    public let totals: [Total]

    init(merchantID: String, closedAt: Int64, sales: [CapturedSale]) {
        merchantId = merchantID
        self.closedAt = closedAt
        captures = sales.map { sale in
            let state =
                switch sale.outcome {
                case .approved: "captured"
                case .pending: "pending"
                case .declined, .refused: "declined"
                }
            return Capture(
                orderId: sale.orderID, amount: sale.amount.minorUnits, currency: sale.amount.currency.code,
                state: state)
        }
        var totals: [String: Total] = [:]
        for capture in captures where capture.state == "captured" {
            let sum = totals[capture.currency]
            totals[capture.currency] = Total(
                currency: capture.currency, count: (sum?.count ?? 0) + 1,
                amount: (sum?.amount ?? 0) + capture.amount)
        }
        self.totals = totals.values.sorted { $0.currency < $1.currency }
    }
}
