import PairPayCore
import Register
import RegisterProtocol

extension SettlementOutcome {
    /// The register's view of a verified server result.
    init(_ result: SettlementResult, source: ResultSource?) {
        let status: ResultStatus
        let reason: ResultReason
        switch (result.status, result.reason) {
        case (.approved, _):
            (status, reason) = (.approved, .approved)
        case (.expired, _):
            (status, reason) = (.expired, .expired)
        case (.cancelled, .reversed):
            (status, reason) = (.cancelled, .voided)
        case (.cancelled, _):
            (status, reason) = (.cancelled, .cancelled)
        case (.declined, let why):
            (status, reason) = (.declined, ResultReason(rawValue: why.rawValue) ?? .declined)
        }
        self.init(
            status: status, reason: reason,
            approvalCode: result.status == .approved ? result.approvalCode : nil,
            cardLast4: result.cardLast4, message: Self.message(for: result), source: source,
            receiptData: result.status == .approved
                ? result.receipt.map {
                    ReceiptFields(
                        rrn: $0.rrn, stan: $0.stan, acquirerTerminal: $0.terminalId,
                        cardBrand: $0.cardBrand.rawValue,
                        transactionTime: UInt32(clamping: result.decidedAt))
                } : nil)
    }

    static func message(for result: SettlementResult) -> String {
        switch (result.status, result.reason) {
        case (.approved, _): "Approved"
        case (.expired, _): "Expired: the phone did not pay in time"
        case (.cancelled, .reversed): "Cancelled: the payment was given back"
        case (.cancelled, _): "Cancelled"
        case (.declined, .mismatch): "Declined: the phone's order differs from the register's"
        case (.declined, let why): "Declined (\(why.rawValue))"
        }
    }
}
