import PairPayCore

/// What a batch close did and counted: the sales it captured, the batch's totals as settlementd
/// counts them, and the reconciliation of each terminal with the bank.
///
/// JSON (docs/SETTLEMENT.md, "End of day"): `{"merchantId","batchId","laneId"?,"closedAt","state",
/// "captures":[{"orderId","amount","currency","state"}],"totals":[{"currency","count","amount"}],
/// "sales":[LaneTotals],"reconciliations":[{"terminalId","currency","state","acquirer","bank"?}],
/// "differences":[String]}`. `totals` counts the sales this close captured; `sales` is the batch:
/// every sale approved, void and refund of the lane since its last close.
public struct BatchCloseView: Hashable, Sendable, Codable {
    /// Where one sale's capture stands.
    public enum CaptureState: String, Hashable, Sendable, Codable {
        /// Posted by the bank.
        case captured
        /// The bank refused it: nothing was posted.
        case declined
        /// Stored and repeated until the bank answers; the next close reports nothing more for it.
        case pending
    }

    /// One sale's capture.
    public struct Capture: Hashable, Sendable, Codable {
        public let orderId: String
        public let amount: Int64
        public let currency: String
        public let state: CaptureState
    }

    /// The captured sales of one currency.
    public struct Total: Hashable, Sendable, Codable {
        public let currency: String
        public let count: Int
        public let amount: Int64
    }

    /// The reconciliation of one terminal and currency with the bank.
    public struct Reconciliation: Hashable, Sendable, Codable {
        public let terminalId: String
        public let currency: String
        public let state: ReconciliationState
        /// What settlementd's acquirer sent and the bank approved: captures and refunds.
        public let acquirer: HostTotals
        /// What the bank counts, once it answered.
        public let bank: HostTotals?
        /// The bank's response code (field 39), once it answered.
        public let responseCode: String?
    }

    /// Where the whole close stands.
    public enum State: String, Hashable, Sendable, Codable {
        /// Every terminal reconciled and the bank agrees.
        case balanced
        /// The bank counts otherwise somewhere: see `differences`.
        case outOfBalance = "out-of-balance"
        /// The bank did not answer for some terminal, or a capture is not answered yet: close the same
        /// batch id again to ask again.
        case incomplete
    }

    public let merchantId: String
    public let batchId: String
    public let laneId: String?
    /// Unix seconds.
    public let closedAt: Int64
    public let state: State
    public let captures: [Capture]
    public let totals: [Total]
    public let sales: [LaneTotals]
    public let reconciliations: [Reconciliation]
    /// Each difference in words, e.g. `bank counts 3 captures (JPY 3465) at terminal T0000001,
    /// settlementd sent 3 (JPY 3455)`. Empty when balanced.
    public let differences: [String]

    init(
        merchantID: String, batch: ClosedBatch, sales captured: [CapturedSale],
        reconciliations terminals: [TerminalReconciliation]
    ) {
        merchantId = merchantID
        batchId = batch.batchID
        laneId = batch.laneID
        closedAt = Int64(batch.closedAt.timeIntervalSince1970.rounded(.down))
        sales = batch.totals
        captures = captured.map { sale in
            let state: CaptureState =
                switch sale.outcome {
                case .approved: .captured
                case .pending: .pending
                case .declined, .refused: .declined
                }
            return Capture(
                orderId: sale.orderID, amount: sale.amount.minorUnits, currency: sale.amount.currency.code,
                state: state)
        }
        var totals: [String: Total] = [:]
        for capture in captures where capture.state == .captured {
            let sum = totals[capture.currency]
            totals[capture.currency] = Total(
                currency: capture.currency, count: (sum?.count ?? 0) + 1,
                amount: (sum?.amount ?? 0) + capture.amount)
        }
        self.totals = totals.values.sorted { $0.currency < $1.currency }
        reconciliations = terminals.map {
            Reconciliation(
                terminalId: $0.terminalID, currency: $0.currency.code, state: $0.state, acquirer: $0.acquirer,
                bank: $0.bank, responseCode: $0.responseCode)
        }
        var differences: [String] = []
        for reconciliation in reconciliations {
            switch reconciliation.state {
            case .balanced: break
            case .unanswered:
                differences.append(
                    "the bank has not answered the reconciliation of terminal \(reconciliation.terminalId) in \(reconciliation.currency): close batch \(batch.batchID) again"
                )
            case .outOfBalance:
                differences += Self.differences(reconciliation)
            case .refused:
                differences.append(
                    "the bank refused the reconciliation of terminal \(reconciliation.terminalId) in \(reconciliation.currency) (response code \(reconciliation.responseCode ?? "-")): settle it with the acquirer"
                )
            }
        }
        let pending = captures.filter { $0.state == .pending }.count
        if pending > 0 {
            differences.append(
                "\(pending) captures not answered by the bank yet: they are repeated until it answers")
        }
        self.differences = differences
        state =
            reconciliations.contains { $0.state == .unanswered } || pending > 0
            ? .incomplete
            : reconciliations.contains { $0.state == .outOfBalance || $0.state == .refused }
                ? .outOfBalance : .balanced
    }

    /// The figures on which the bank and the acquirer differ, in words.
    static func differences(_ reconciliation: Reconciliation) -> [String] {
        guard let bank = reconciliation.bank else { return [] }
        let ours = reconciliation.acquirer
        let terminal = reconciliation.terminalId
        func money(_ amount: Int64) -> String {
            Money.description(minorUnits: amount, currencyCode: reconciliation.currency)
        }
        var lines: [String] = []
        if bank.capturedCount != ours.capturedCount || bank.capturedAmount != ours.capturedAmount {
            lines.append(
                "captures at terminal \(terminal): bank \(bank.capturedCount) (\(money(bank.capturedAmount))), settlementd \(ours.capturedCount) (\(money(ours.capturedAmount)))"
            )
        }
        if bank.refundedCount != ours.refundedCount || bank.refundedAmount != ours.refundedAmount {
            lines.append(
                "refunds at terminal \(terminal): bank \(bank.refundedCount) (\(money(bank.refundedAmount))), settlementd \(ours.refundedCount) (\(money(ours.refundedAmount)))"
            )
        }
        return lines
    }

    /// Whether every reconciliation has the bank's answer and no capture is pending: only then is
    /// the report stored as the batch's final one.
    var isComplete: Bool { state != .incomplete }
}
