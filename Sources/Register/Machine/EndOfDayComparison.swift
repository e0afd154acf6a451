import PairPayCore
import RegisterProtocol

/// Compares registerd's period with settlementd's batch and builds the END OF DAY REPORT: pure,
/// so every difference it names is tested exactly.
public enum EndOfDayComparison {
    /// The report of batch `batchID`: registerd's totals, settlementd's and the bank's, every figure
    /// on which registerd and settlementd differ, then settlementd's own differences with the bank.
    public static func report(
        batchID: String, periodClosed: Bool, registerd: [CurrencyTotals], batch: BatchReport
    ) -> EndOfDayReport {
        var differences: [String] = []
        let currencies = Set(registerd.map(\.currencyCode) + batch.settlement.map(\.currencyCode)).sorted()
        for code in currencies {
            let ours = registerd.first { $0.currencyCode == code } ?? CurrencyTotals(currencyCode: code)
            let theirs =
                batch.settlement.first { $0.currencyCode == code } ?? CurrencyTotals(currencyCode: code)
            // Net sales, approved less voided: a sale the server approved and the cashier's abort
            // then reversed counts at the server as approved and voided, at the register as
            // neither (it never reached the register approved); both keep nothing of it.
            let figures: [(String, (Int64, Int64), (Int64, Int64))] = [
                ("net sales", Self.net(ours), Self.net(theirs)),
                (
                    "refunded", (Int64(ours.refundedCount), ours.refundedAmount),
                    (Int64(theirs.refundedCount), theirs.refundedAmount)
                ),
            ]
            for (name, mine, settled) in figures where mine != settled {
                differences.append(
                    "\(code) \(name): registerd \(mine.0) (\(money(mine.1, code))), settlementd \(settled.0) (\(money(settled.1, code)))"
                )
            }
        }
        let registerdAgrees = differences.isEmpty
        differences += batch.differences
        let settled: EndOfDayReport.Balance =
            switch batch.state {
            case .balanced: .balanced
            case .outOfBalance: .outOfBalance
            case .incomplete: .incomplete
            }
        let balance: EndOfDayReport.Balance = registerdAgrees ? settled : .outOfBalance
        let totals =
            registerd.map { EndOfDayReport.SourceTotals(source: .registerd, totals: $0) }
            + batch.settlement.map { EndOfDayReport.SourceTotals(source: .settlementd, totals: $0) }
            + batch.bank.map { EndOfDayReport.SourceTotals(source: .bank, totals: $0) }
        return EndOfDayReport(
            batchID: batchID, balance: balance, periodClosed: periodClosed, totals: totals,
            differences: Array(differences.prefix(maximumDifferences)))
    }

    /// The report when settlementd did not close (or report) the batch: registerd's totals only,
    /// and what to do first, then why.
    public static func unclosed(
        batchID: String, registerd: [CurrencyTotals], why: SettlementGatewayError, periodClosed: Bool
    ) -> EndOfDayReport {
        let instruction: String
        switch why {
        case .refused(let detail):
            instruction =
                "settlementd refused batch \(batchID); call the operator (\(detail))"
        case .notConfigured:
            instruction = "no settlement server is configured: nothing was closed (\(why))"
        case .unreachable, .noAnswer, .relayRejected:
            instruction =
                periodClosed
                ? "batch \(batchID) not reported again; ask later (\(why))"
                : "send END OF DAY again: batch \(batchID) is not confirmed and nothing may be sold until it is (\(why))"
        }
        return EndOfDayReport(
            batchID: batchID, balance: .incomplete, periodClosed: periodClosed,
            totals: registerd.map { EndOfDayReport.SourceTotals(source: .registerd, totals: $0) },
            differences: [instruction])
    }

    /// Sales approved less voided: count and amount.
    static func net(_ totals: CurrencyTotals) -> (Int64, Int64) {
        (Int64(totals.approvedCount) - Int64(totals.voidedCount), totals.approvedAmount - totals.voidedAmount)
    }

    /// At most this many DIFFERENCE fields (each at most 200 bytes): a report always fits a frame.
    public static let maximumDifferences = 8

    static func money(_ amount: Int64, _ code: String) -> String {
        Money.description(minorUnits: amount, currencyCode: code)
    }
}
