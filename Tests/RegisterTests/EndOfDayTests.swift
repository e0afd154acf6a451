import Foundation
import Register
import RegisterProtocol
import Testing

/// END OF DAY on the register link against a scripted settlement server: the batch id, the period
/// closed only once settlementd closed the batch, BUSY around it, every difference named.
@Suite struct EndOfDayTests {
    static func report(_ message: RegisterMessage) throws -> EndOfDayReport {
        guard case .endOfDayReport(let report) = message else {
            throw EndOfDayTestError.unexpected("\(message)")
        }
        return report
    }

    enum EndOfDayTestError: Error { case unexpected(String) }

    static let sale = CurrencyTotals(currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155)

    /// An approved sale of ¥1155.
    func sell(_ h: RegisterServiceHarness) async throws {
        let payment = try await h.startSale()
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        _ = try await h.register.nextResult()
    }

    @Test func aBalancedDayClosesThePeriodAndReportsAllThreeCounts() async throws {
        let h = try await RegisterServiceHarness()
        try await sell(h)
        let bank = CurrencyTotals(currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155)
        h.gateway.script.withLock {
            $0.batchClose = .success(
                BatchReport(state: .balanced, settlement: [Self.sale], bank: [bank], differences: []))
        }
        try await h.register.send(.endOfDay(EndOfDay()))
        let progress = try await h.register.next(where: { if case .progress = $0 { true } else { false } })
        guard case .progress(let closing) = progress else { return }
        #expect(closing.stage == .closing && closing.receipt == RegisterService.endOfDayReceipt)
        let report = try Self.report(try await h.register.nextReply())
        #expect(report.batchID == "PP-TERM-7-1" && report.balance == .balanced && report.periodClosed)
        #expect(
            report.totals == [
                .init(source: .registerd, totals: Self.sale), .init(source: .settlementd, totals: Self.sale),
                .init(source: .bank, totals: bank),
            ])
        #expect(report.differences.isEmpty)
        #expect(h.gateway.script.withLock { $0.batchCloses.map(\.batchID) } == ["PP-TERM-7-1"])
        #expect(h.gateway.script.withLock { $0.batchCloses.map(\.laneID) } == ["PP-TERM-7"])
        // A new period began: its totals are empty, and the next close is batch 2.
        try await h.register.send(.totalsRequest(TotalsRequest(closePeriod: false)))
        #expect(try await h.register.nextReply() == .totals(Totals(currencies: [])))
        try await h.register.send(.endOfDay(EndOfDay()))
        #expect(try Self.report(try await h.register.nextReply()).batchID == "PP-TERM-7-2")
        await h.stop()
    }

    @Test func aDifferenceWithSettlementdIsNamedFigureByFigure() async throws {
        let h = try await RegisterServiceHarness()
        try await sell(h)
        var theirs = Self.sale
        theirs.approvedAmount = 1255
        theirs.refundedCount = 1
        theirs.refundedAmount = 100
        h.gateway.script.withLock {
            $0.batchClose = .success(
                BatchReport(
                    state: .outOfBalance, settlement: [theirs], bank: [],
                    differences: ["captures at terminal T1: bank 1 (JPY 1300), settlementd 1 (JPY 1255)"]))
        }
        try await h.register.send(.endOfDay(EndOfDay()))
        let report = try Self.report(try await h.register.nextReply())
        #expect(report.balance == .outOfBalance && report.periodClosed)
        #expect(
            report.differences == [
                "JPY net sales: registerd 1 (JPY 1155), settlementd 1 (JPY 1255)",
                "JPY refunded: registerd 0 (JPY 0), settlementd 1 (JPY 100)",
                "captures at terminal T1: bank 1 (JPY 1300), settlementd 1 (JPY 1255)",
            ])
        await h.stop()
    }

    @Test func anUnconfirmedCloseBlocksSalesUntilEndOfDayIsSentAgainEvenAfterARestart() async throws {
        let path = NSTemporaryDirectory() + "registerd-eod-\(UUID().uuidString).sqlite"
        let first = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        try await sell(first)
        first.gateway.script.withLock { $0.batchClose = .failure(.unreachable("down")) }
        try await first.register.send(.endOfDay(EndOfDay()))
        let report = try Self.report(try await first.register.nextReply())
        #expect(report.balance == .incomplete && !report.periodClosed)
        #expect(report.totals == [.init(source: .registerd, totals: Self.sale)])
        #expect(report.differences.first?.hasPrefix("send END OF DAY again") == true, "\(report.differences)")
        await first.stop()

        // Restarted: the close is journaled, unconfirmed; a SALE is BUSY until END OF DAY confirms it.
        let h = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        var next = RegisterServiceHarness.basket
        next.receipt = "R-000124"
        try await h.register.send(.sale(next))
        guard case .busy(let busy) = try await h.register.nextReply() else {
            Issue.record("a SALE during an unconfirmed close was not BUSY")
            return
        }
        #expect(
            busy.receipt == RegisterService.endOfDayReceipt && busy.message?.contains("PP-TERM-7-1") == true)
        // Still period 1: asked again, the same batch id.
        h.gateway.script.withLock {
            $0.batchClose = .success(
                BatchReport(state: .balanced, settlement: [Self.sale], bank: [], differences: []))
        }
        try await h.register.send(.endOfDay(EndOfDay()))
        let again = try Self.report(try await h.register.nextReply())
        #expect(again.batchID == "PP-TERM-7-1" && again.periodClosed && again.balance == .balanced)
        #expect(again.totals.first == .init(source: .registerd, totals: Self.sale))
        try await h.register.send(.sale(next))
        guard case .paymentRequest = try await h.register.nextReply() else {
            Issue.record("a SALE after the confirmed close was refused")
            return
        }
        await h.stop()
    }

    @Test func aPeriodClosedByTotalsInBetweenIsCountedInTheNextEndOfDay() async throws {
        let h = try await RegisterServiceHarness()
        try await sell(h)
        try await h.register.send(.totalsRequest(TotalsRequest(closePeriod: true)))
        _ = try await h.register.nextReply()
        var next = RegisterServiceHarness.basket
        next.receipt = "R-000124"
        let payment = try await h.startSale(next)
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        _ = try await h.register.nextResult()
        try await h.register.send(.endOfDay(EndOfDay()))
        let report = try Self.report(try await h.register.nextReply())
        // Both periods since the last END OF DAY: what settlementd's batch holds too.
        #expect(report.batchID == "PP-TERM-7-2")
        #expect(
            report.totals.first?.totals
                == CurrencyTotals(currencyCode: "JPY", approvedCount: 2, approvedAmount: 2310))
        await h.stop()
    }

    @Test func nothingBeginsWhileTheDayClosesAndTheDayWaitsForAnOpenSale() async throws {
        let h = try await RegisterServiceHarness()
        let payment = try await h.startSale()
        try await h.register.send(.endOfDay(EndOfDay()))
        guard case .busy(let busy) = try await h.register.nextReply() else {
            Issue.record("END OF DAY during a sale was not BUSY")
            return
        }
        #expect(busy.receipt == RegisterService.endOfDayReceipt || busy.receipt == "R-000123")
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        _ = try await h.register.nextResult()
        #expect(h.gateway.script.withLock { $0.batchCloses.isEmpty })

        // An earlier batch can be asked about again, but only one this lane closed.
        try await h.register.send(.endOfDay(EndOfDay(batchID: "PP-TERM-7-1")))
        let none = try await h.nextError()
        #expect(none.code == .invalidMessage && none.message?.contains("none was closed yet") == true)
        try await h.register.send(.endOfDay(EndOfDay(batchID: "PP-TERM-8-1")))
        #expect(try await h.nextError().code == .invalidMessage)
        // While settlementd closes the batch, a SALE (it would belong to the period being closed),
        // another END OF DAY or a TOTALS REQUEST that closes are BUSY; STATUS is answered.
        h.gateway.script.withLock { $0.holdBatchClose = true }
        try await h.register.send(.endOfDay(EndOfDay()))
        var next = RegisterServiceHarness.basket
        next.receipt = "R-000124"
        for message: RegisterMessage in [
            .sale(next), .endOfDay(EndOfDay()), .totalsRequest(TotalsRequest(closePeriod: true)),
        ] {
            try await h.register.send(message)
            #expect(
                try await h.register.nextReply()
                    == .busy(
                        Busy(
                            receipt: RegisterService.endOfDayReceipt,
                            message: "Closing the day; try again in a moment")))
        }
        try await h.register.send(.statusRequest(StatusRequest()))
        guard case .status = try await h.register.nextReply() else {
            Issue.record("STATUS was not answered while the day closed")
            return
        }
        h.gateway.script.withLock { $0.holdBatchClose = false }
        _ = try Self.report(try await h.register.nextReply())
        #expect(h.gateway.registered.count == 1, "the SALE refused BUSY was never registered")
        try await h.register.send(.endOfDay(EndOfDay(batchID: "PP-TERM-7-1")))
        let again = try Self.report(try await h.register.nextReply())
        #expect(again.batchID == "PP-TERM-7-1" && again.periodClosed)
        #expect(again.totals.first == .init(source: .registerd, totals: Self.sale), "period 1's own totals")
        #expect(
            h.gateway.script.withLock { $0.batchCloses.map(\.batchID) } == ["PP-TERM-7-1", "PP-TERM-7-1"])
        #expect(h.gateway.script.withLock { $0.batchCloses.map(\.existing) } == [false, true])
        await h.stop()
    }

    @Test func theComparisonNamesEveryFigureAndCapsTheList() {
        let ours = [
            CurrencyTotals(
                currencyCode: "USD", approvedCount: 2, approvedAmount: 1999, voidedCount: 1, voidedAmount: 999
            )
        ]
        let batch = BatchReport(
            state: .incomplete,
            settlement: [CurrencyTotals(currencyCode: "USD", approvedCount: 2, approvedAmount: 1999)],
            bank: [], differences: (1...20).map { "bank line \($0)" })
        let report = EndOfDayComparison.report(
            batchID: "L-3", periodClosed: true, registerd: ours, batch: batch)
        #expect(report.balance == .outOfBalance)
        #expect(
            report.differences.first == "USD net sales: registerd 1 (USD 10.00), settlementd 2 (USD 19.99)")
        #expect(report.differences.count == EndOfDayComparison.maximumDifferences)
        let agreeing = EndOfDayComparison.report(
            batchID: "L-3", periodClosed: true, registerd: batch.settlement, batch: batch)
        #expect(agreeing.balance == .incomplete, "registerd agrees; the bank's answer is missing")
        // The report is a message the register can read back.
        let decoded = try? RegisterMessage(type: MessageType.endOfDayReport.rawValue, payload: report.payload)
        #expect(decoded == .endOfDayReport(report))
        #expect(report.payload.count < 4096)
    }
}
