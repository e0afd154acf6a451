import Foundation

/// The three-way reconciliation's verdict: per day, lane and currency what each party says the
/// store keeps, every difference to the unit, and what is still in flight.
public struct ReconciliationReport: Sendable, Equatable, Encodable {
    /// One day, lane and currency.
    public struct RowKey: Hashable, Sendable {
        public let day: String
        public let lane: String
        public let currency: String
    }

    /// The money kept of one day, lane and currency, as each party counts it (minor units).
    public struct Row: Sendable, Equatable, Encodable {
        public let day: String
        public let lane: String
        public let currency: String
        /// Orders any party knows.
        public var orders = 0
        /// registerd's count; nil for orders of no lane whose journal was given.
        public var registerd: Int64?
        public var settlementd: Int64 = 0
        public var bank: Int64 = 0
        /// Orders on which the parties differ.
        public var differences = 0

        public init(day: String, lane: String, currency: String) {
            self.day = day
            self.lane = lane
            self.currency = currency
        }
    }

    /// One difference or pending item, naming the order and, when known, the day, lane and receipt.
    public struct Line: Sendable, Equatable, Encodable {
        public var day: String?
        public var lane: String?
        public var orderID: String?
        public var receipt: String?
        public var text: String

        init(day: String? = nil, lane: String? = nil, order: String?, receipt: String? = nil, _ text: String)
        {
            self.day = day
            self.lane = lane
            self.orderID = order
            self.receipt = receipt
            self.text = text
        }

        init(_ transaction: LedgerSnapshot.JournalTransaction, _ text: String) {
            self.init(lane: transaction.lane, order: transaction.orderID, receipt: transaction.receipt, text)
        }
    }

    public var rows: [Row]
    /// Every difference: the run does not reconcile.
    public var differences: [Line]
    /// Transactions still in flight (open at the register, undecided, a refund waiting for the
    /// bank): not differences; run again once they ended.
    public var pending: [Line]

    /// Whether the three parties agree to the unit.
    public var agrees: Bool { differences.isEmpty }
}
