/// What one batch (or period) counts in one currency: sales approved, voids and refunds, each as a
/// count and an amount in minor units. registerd's TOTALS count the same three figures, so the
/// register's period and settlementd's batch compare line by line.
public struct LaneTotals: Hashable, Sendable, Codable {
    /// ISO 4217 code.
    public let currency: String
    public var approvedCount = 0
    public var approvedAmount: Int64 = 0
    public var voidedCount = 0
    public var voidedAmount: Int64 = 0
    public var refundedCount = 0
    public var refundedAmount: Int64 = 0

    public init(currency: String) {
        self.currency = currency
    }

    /// Adds `count` entries of `kind` worth `amount` together.
    public mutating func add(_ kind: BatchEntry.Kind, count: Int = 1, amount: Int64) {
        switch kind {
        case .sale:
            approvedCount += count
            approvedAmount += amount
        case .void:
            voidedCount += count
            voidedAmount += amount
        case .refund:
            refundedCount += count
            refundedAmount += amount
        }
    }

    /// Sums rows of (kind, currency, count, amount) into one total per currency, sorted by code.
    public static func summing(
        _ rows: [(kind: BatchEntry.Kind, currency: String, count: Int, amount: Int64)]
    )
        -> [LaneTotals]
    {
        var byCurrency: [String: LaneTotals] = [:]
        for row in rows {
            byCurrency[row.currency, default: LaneTotals(currency: row.currency)].add(
                row.kind, count: row.count, amount: row.amount)
        }
        return byCurrency.values.sorted { $0.currency < $1.currency }
    }
}
