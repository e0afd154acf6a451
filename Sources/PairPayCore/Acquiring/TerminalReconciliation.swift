/// Captures and refunds of one terminal in one currency as one side counts them.
public struct HostTotals: Hashable, Sendable, Codable {
    public var capturedCount: Int64
    public var capturedAmount: Int64
    public var refundedCount: Int64
    public var refundedAmount: Int64

    public init(
        capturedCount: Int64 = 0, capturedAmount: Int64 = 0, refundedCount: Int64 = 0,
        refundedAmount: Int64 = 0
    ) {
        self.capturedCount = capturedCount
        self.capturedAmount = capturedAmount
        self.refundedCount = refundedCount
        self.refundedAmount = refundedAmount
    }
}

/// Where a reconciliation with the bank stands.
public enum ReconciliationState: String, Hashable, Sendable, Codable, CaseIterable {
    /// The bank's totals equal the acquirer's.
    case balanced
    /// The bank counted otherwise (response 95): see both totals.
    case outOfBalance = "out-of-balance"
    /// The bank has not answered yet (unreachable, or an answer this side could not read): close
    /// the batch again to ask again.
    case unanswered
    /// The bank refused the reconciliation itself (a response code other than 00 or 95): asking
    /// again gets the same answer; settle it with the acquirer.
    case refused
}

/// The reconciliation of one terminal and currency with the bank (ISO 8583 0500/0510).
public struct TerminalReconciliation: Hashable, Sendable {
    /// ISO 8583 field 41, without its padding.
    public let terminalID: String
    public let currency: Currency
    public let state: ReconciliationState
    /// What the acquirer sent and the bank approved.
    public let acquirer: HostTotals
    /// What the bank counts, once it answered.
    public let bank: HostTotals?
    /// The bank's response code (field 39), once it answered.
    public let responseCode: String?

    public init(
        terminalID: String, currency: Currency, state: ReconciliationState, acquirer: HostTotals,
        bank: HostTotals?, responseCode: String? = nil
    ) {
        self.responseCode = responseCode
        self.terminalID = terminalID
        self.currency = currency
        self.state = state
        self.acquirer = acquirer
        self.bank = bank
    }
}
