import Foundation
import Register
import RegisterProtocol
import Testing

/// REFUND on the register link against a scripted settlement server: checks before anything is
/// sent, one refund id per receipt, repeats, totals.
@Suite struct RefundTests {
    func refund(
        _ receipt: String, _ orderID: String, _ total: Int64, currency: String = "JPY"
    ) -> RegisterMessage {
        .refund(Refund(receipt: receipt, orderID: orderID, currencyCode: currency, total: total))
    }

    @Test func partialRefundsUpToTheSaleAreCountedInTheTotals() async throws {
        let h = try await RegisterServiceHarness()
        let payment = try await h.startSale()
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        _ = try await h.register.nextResult()

        try await h.register.send(refund("F-1", payment.orderID, 500))
        let first = try await h.register.nextResult()
        #expect(first.status == .approved && first.reason == "refunded" && first.total == 500)
        #expect(first.receipt == "F-1" && first.orderID == payment.orderID && first.approvalCode == "RF0001")
        #expect(
            h.register.receivedMessages.contains {
                if case .progress(let progress) = $0 { progress.stage == .refunding } else { false }
            })
        // The same REFUND again: the same RESULT, nothing sent again.
        try await h.register.send(refund("F-1", payment.orderID, 500))
        #expect(try await h.register.nextResult() == first)
        // The receipt for another refund, more than is left, another currency, an unknown order.
        try await h.register.send(refund("F-1", payment.orderID, 400))
        #expect(try await h.nextError().code == .duplicateReceipt)
        try await h.register.send(refund("F-2", payment.orderID, 656))
        let tooMuch = try await h.nextError()
        #expect(tooMuch.code == .invalidRefund && tooMuch.message?.contains("1 to 655") == true)
        try await h.register.send(refund("F-3", payment.orderID, 1, currency: "USD"))
        #expect(try await h.nextError().code == .invalidRefund)
        try await h.register.send(refund("F-4", "PP-NOSUCH", 1))
        #expect(try await h.nextError().code == .noTransaction)
        try await h.register.send(refund("R-000123", payment.orderID, 1))
        #expect(try await h.nextError().code == .duplicateReceipt)  // the sale's receipt
        // A refund's receipt is its own: a SALE or VOID with it is refused.
        var reused = RegisterServiceHarness.basket
        reused.receipt = "F-1"
        try await h.register.send(.sale(reused))
        #expect(try await h.nextError().code == .duplicateReceipt)
        try await h.register.send(.void(VoidRequest(receipt: "F-1", orderID: payment.orderID)))
        #expect(try await h.nextError().code == .duplicateReceipt)
        try await h.register.send(refund("F-5", payment.orderID, 655))
        #expect(try await h.register.nextResult().reason == "refunded")
        // Partly refunded: a void would give back more than is left.
        try await h.register.send(.void(VoidRequest(receipt: "V-1", orderID: payment.orderID)))
        #expect(try await h.nextError().code == .noTransaction)

        let refunds = h.gateway.script.withLock { $0.refunds }
        #expect(refunds.map(\.refundID) == ["PP-TERM-7-F-1", "PP-TERM-7-F-5"])
        #expect(refunds.map(\.amount) == [500, 655])
        try await h.register.send(.totalsRequest(TotalsRequest(closePeriod: false)))
        #expect(
            try await h.register.nextReply()
                == .totals(
                    Totals(currencies: [
                        CurrencyTotals(
                            currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155, refundedCount: 2,
                            refundedAmount: 1155)
                    ])))
        await h.stop()
    }

    @Test func aDeclinedRefundCountsNowhereAndAnUnreachableOneIsAskedAgainUnderItsID() async throws {
        let h = try await RegisterServiceHarness()
        let payment = try await h.startSale()
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        _ = try await h.register.nextResult()
        h.gateway.script.withLock {
            $0.refunding["PP-TERM-7-F-1"] = .success(
                SettlementOutcome(status: .declined, reason: .exceedsSale, message: "more than the sale"))
            $0.refunding["PP-TERM-7-F-2"] = .failure(.unreachable("down"))
        }
        try await h.register.send(refund("F-1", payment.orderID, 100))
        #expect(try await h.register.nextResult().reason == "exceeds-sale")
        try await h.register.send(refund("F-2", payment.orderID, 200))
        let unreachable = try await h.register.nextResult()
        #expect(unreachable.status == .error && unreachable.reason == "settlement-unreachable")
        h.gateway.script.withLock { $0.refunding["PP-TERM-7-F-2"] = nil }
        try await h.register.send(refund("F-2", payment.orderID, 200))
        #expect(try await h.register.nextResult().reason == "refunded")
        #expect(
            h.gateway.script.withLock { $0.refunds.map(\.refundID) } == [
                "PP-TERM-7-F-1", "PP-TERM-7-F-2", "PP-TERM-7-F-2",
            ])
        #expect(try await h.status(receipt: "F-2").status == .approved)
        try await h.register.send(.totalsRequest(TotalsRequest(closePeriod: false)))
        guard case .totals(let totals) = try await h.register.nextReply() else {
            Issue.record("no TOTALS")
            return
        }
        #expect(totals.currencies.first?.refundedCount == 1 && totals.currencies.first?.refundedAmount == 200)
        await h.stop()
    }

    @Test func refundIDsAreReadableOrAStableHash() {
        #expect(RegisterService.refundID(terminal: "PP-TERM-7", receipt: "F-1") == "PP-TERM-7-F-1")
        let hashed = RegisterService.refundID(terminal: "PP-TERM-7", receipt: "F 1/2")
        #expect(hashed.hasPrefix("rf-") && hashed.count == 35)
        #expect(hashed == RegisterService.refundID(terminal: "PP-TERM-7", receipt: "F 1/2"))
        #expect(hashed != RegisterService.refundID(terminal: "PP-TERM-8", receipt: "F 1/2"))
    }
}
