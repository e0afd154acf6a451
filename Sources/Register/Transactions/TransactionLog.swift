import RegisterProtocol

/// The transactions registerd has handled, newest last, with the current totals period.
///
/// Kept in memory at this stage: it survives link loss (the daemon keeps running) but not a
/// restart of registerd; the durable SQLite journal replaces it with the end-to-end issue.
public struct TransactionLog: Sendable {
    public private(set) var records: [TransactionRecord] = []
    public private(set) var period = 1

    public init() {}

    /// The newest transaction, if any.
    public var newest: TransactionRecord? { records.last }

    /// The open transaction, if any (there is at most one).
    public var open: TransactionRecord? { records.last.flatMap { $0.isCompleted ? nil : $0 } }

    public mutating func append(_ record: TransactionRecord) { records.append(record) }

    /// Changes the newest record, which must be the open one.
    public mutating func updateNewest(_ change: (inout TransactionRecord) -> Void) {
        guard !records.isEmpty else { return }
        change(&records[records.count - 1])
    }

    /// The last sale with this receipt, if any.
    public func sale(withReceipt receipt: String) -> TransactionRecord? {
        records.last { record in
            if case .sale = record.kind { return record.receipt == receipt }
            return false
        }
    }

    /// The last void with this receipt, if any.
    public func void(withReceipt receipt: String) -> TransactionRecord? {
        records.last { record in
            if case .void = record.kind { return record.receipt == receipt }
            return false
        }
    }

    /// The sale with this order id, if any.
    public func sale(withOrderID orderID: String) -> TransactionRecord? {
        records.last { record in
            if case .sale = record.kind { return record.orderID == orderID }
            return false
        }
    }

    /// The totals of the current period, one entry per currency, sorted by currency code.
    public func totals() -> [CurrencyTotals] {
        var byCurrency: [String: CurrencyTotals] = [:]
        for record in records where record.period == period {
            guard let result = record.result, let currency = result.currencyCode, let total = result.total
            else {
                continue
            }
            var entry = byCurrency[currency] ?? CurrencyTotals(currencyCode: currency)
            switch (record.kind, result.status) {
            case (.sale, .approved):
                entry.approvedCount += 1
                entry.approvedAmount += total
            case (.sale, _):
                entry.declinedCount += 1
            case (.void, .cancelled):
                entry.voidedCount += 1
                entry.voidedAmount += total
            case (.void, _):
                break
            }
            byCurrency[currency] = entry
        }
        return byCurrency.values.sorted { $0.currencyCode < $1.currencyCode }
    }

    /// Starts a new totals period.
    public mutating func closePeriod() { period += 1 }
}
