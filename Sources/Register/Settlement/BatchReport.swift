import RegisterProtocol

/// settlementd's answer to a batch close, as registerd needs it for END OF DAY: the batch's totals
/// as settlementd counts them (sales approved, voids, refunds), the bank's (captures as APPROVED,
/// refunds), and settlementd's own differences with the bank.
public struct BatchReport: Equatable, Sendable {
    /// Where settlementd's close stands.
    public enum State: String, Equatable, Sendable {
        /// The bank agrees with settlementd.
        case balanced
        /// The bank counts otherwise: see ``differences``.
        case outOfBalance = "out-of-balance"
        /// The bank has not answered for some terminal or capture.
        case incomplete
    }

    public var state: State
    /// settlementd's batch, one entry per currency (DECLINED COUNT 0: not counted there).
    public var settlement: [CurrencyTotals]
    /// The bank's postings of the lane's terminal, one entry per currency it answered for.
    public var bank: [CurrencyTotals]
    /// settlementd's differences with the bank, in words.
    public var differences: [String]

    public init(state: State, settlement: [CurrencyTotals], bank: [CurrencyTotals], differences: [String]) {
        self.state = state
        self.settlement = settlement
        self.bank = bank
        self.differences = differences
    }
}
