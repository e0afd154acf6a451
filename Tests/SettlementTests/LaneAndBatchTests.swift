import BankHost
import Foundation
import GRDB
import PairPayCore
import Settlement
import Testing

/// Lanes (one registerd each, with its own ISO 8583 terminal id and push endpoint) and the batch
/// close per lane: the batch ledger, the captures and the reconciliation with the bank (0500/0510),
/// on both stores, through the real acquirer and banksim on loopback TCP.
@Suite("Lanes and the batch close per lane")
struct LaneAndBatchTests {
    typealias Setup = MoneyAfterSaleTests.Setup

    static let laneA = "PP-TERM-A"
    static let laneB = "PP-TERM-B"

    static func enrollLanes(_ setup: Setup) async throws {
        let store = setup.harness.store
        try await store.enrollLane(merchantID: EngineHarness.merchant, laneID: laneA, terminalID: "T000000A")
        try await store.setLanePushEndpoint(
            merchantID: EngineHarness.merchant, laneID: laneA, url: "https://lane-a.example/v1/push",
            secret: Array(repeating: 1, count: 32))
        try await store.enrollLane(merchantID: EngineHarness.merchant, laneID: laneB, terminalID: "T000000B")
    }

    static func first(_ order: String, lane: String?) throws -> FirstSettlementRequest {
        try FirstSettlementRequest(
            orderID: order, contents: try EngineHarness.contents(order: order), laneID: lane)
    }

    /// An approved sale of ¥1155 at `lane`; its signed result.
    @discardableResult
    static func sell(_ setup: Setup, _ order: String, lane: String?) async throws -> SignedSettlementResult? {
        _ = try await setup.engine.submitFirst(
            try first(order, lane: lane), merchantID: EngineHarness.merchant)
        let signed = try await setup.engine.submitSecond(
            try EngineHarness.second(order: order), userID: EngineHarness.user)
        #expect(signed?.result.status == .approved)
        return signed
    }

    @Test(arguments: StoreKind.allCases)
    func eachLaneHasItsTerminalAndItsPushEndpoint(_ kind: StoreKind) async throws {
        let setup = try await Setup(kind)
        try await Self.enrollLanes(setup)
        let merchant = try #require(try await setup.harness.store.merchant(id: EngineHarness.merchant))
        #expect(merchant.lanes.keys.sorted() == [Self.laneA, Self.laneB])

        // Once a merchant has lanes, an order names one of them.
        await #expect(throws: SettlementError.self) {
            try await setup.engine.submitFirst(
                try Self.first("PP-0", lane: nil), merchantID: EngineHarness.merchant)
        }
        do {
            _ = try await setup.engine.submitFirst(
                try Self.first("PP-0", lane: "PP-TERM-Z"), merchantID: EngineHarness.merchant)
            Issue.record("an unknown lane was accepted")
        } catch {
            guard case SettlementError.notFound(let why) = error else { throw error }
            #expect(why.contains("PP-TERM-Z") && why.contains("pairpay enroll lane"))
        }
        #expect(throws: OrderValidationError.self) { try Self.first("PP-0", lane: "no spaces") }

        let a1 = try await Self.sell(setup, "PP-A1", lane: Self.laneA)
        try await Self.sell(setup, "PP-B1", lane: Self.laneB)
        let authorizations = try setup.ledger.entries().filter { $0.event == "authorization" }
        #expect(authorizations.map { $0.terminal ?? "" } == ["T000000A", "T000000B"])
        // The signed result carries what the receipt prints: the bank's RRN and STAN of this
        // authorization, the lane's terminal and the card's brand (V2 bytes, verified).
        let receipt = try #require(a1?.result.receipt)
        #expect(receipt.terminalId == "T000000A" && receipt.cardBrand == .visa)
        #expect(receipt.rrn == authorizations.first?.rrn && receipt.stan == authorizations.first?.stan)
        #expect(
            try ResultVerifier(publicKey: setup.harness.signer.publicKey).verify(try #require(a1)).receipt
                == receipt)
        // Lane A's result goes to lane A's endpoint; lane B has none, so nothing is queued for it
        // (and nothing goes to the merchant's own endpoint, another lane's registerd).
        let pushes = try await setup.harness.store.deliveries(
            merchantID: EngineHarness.merchant, orderID: "PP-A1")
        #expect(pushes.map { $0.url ?? "-" } == ["https://lane-a.example/v1/push"])
        #expect(pushes.first?.secret == Array(repeating: 1, count: 32))
        #expect(
            try await setup.harness.store.deliveries(merchantID: EngineHarness.merchant, orderID: "PP-B1")
                .isEmpty)
        await setup.stop()
    }

    @Test(arguments: StoreKind.allCases)
    func aLaneBatchCountsItsSalesVoidsAndRefundsAndReconcilesWithTheBank(_ kind: StoreKind) async throws {
        let setup = try await Setup(kind)
        try await Self.enrollLanes(setup)
        try await Self.sell(setup, "PP-A1", lane: Self.laneA)
        try await Self.sell(setup, "PP-A2", lane: Self.laneA)
        try await Self.sell(setup, "PP-B1", lane: Self.laneB)
        _ = try await setup.engine.cancel("PP-A2", merchantID: EngineHarness.merchant)

        let first = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-1")
        #expect(first.batchId == "A-1" && first.laneId == Self.laneA && first.state == .balanced)
        #expect(
            first.captures.map(\.orderId) == ["PP-A1"], "a reversed sale is never captured; lane B is not A's"
        )
        #expect(
            first.sales == [
                LaneTotals(currency: "JPY").with(approved: (2, 2310), voided: (1, 1155), refunded: (0, 0))
            ])
        #expect(first.reconciliations.count == 1)
        let reconciliation = try #require(first.reconciliations.first)
        #expect(reconciliation.terminalId == "T000000A" && reconciliation.currency == "JPY")
        #expect(reconciliation.acquirer == HostTotals(capturedCount: 1, capturedAmount: 1155))
        #expect(reconciliation.bank == reconciliation.acquirer && first.differences.isEmpty)
        #expect(try setup.reconciliations() == ["T000000A JPY 00"])

        // The same batch id again: the stored report, nothing sent again.
        #expect(
            try await setup.engine.closeBatch(
                merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-1")
                == first)
        #expect(try setup.reconciliations().count == 1)
        do {
            _ = try await setup.engine.closeBatch(
                merchantID: EngineHarness.merchant, laneID: Self.laneB, batchID: "A-1")
            Issue.record("a batch id of lane A was taken for lane B")
        } catch {
            guard case SettlementError.conflict = error else { throw error }
        }

        // The next batch of lane A has the refund made since, and the bank counts it too.
        let refund = try RefundRequest(refundID: "rf-1", amount: Money(minorUnits: 500, currency: .jpy))
        _ = try await setup.engine.refund(refund, orderID: "PP-A1", merchantID: EngineHarness.merchant)
        let second = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-2")
        #expect(second.captures.isEmpty && second.state == .balanced)
        #expect(second.sales == [LaneTotals(currency: "JPY").with(refunded: (1, 500))])
        #expect(second.reconciliations.first?.bank == HostTotals(refundedCount: 1, refundedAmount: 500))

        // Lane B's batch holds its own sale only.
        let laneB = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneB, batchID: "B-1")
        #expect(laneB.captures.map(\.orderId) == ["PP-B1"] && laneB.state == .balanced)
        #expect(laneB.sales == [LaneTotals(currency: "JPY").with(approved: (1, 1155))])
        #expect(laneB.reconciliations.map(\.terminalId) == ["T000000B"])
        #expect(try setup.reconciliations() == ["T000000A JPY 00", "T000000A JPY 00", "T000000B JPY 00"])
        await setup.stop()
    }

    @Test(arguments: StoreKind.allCases)
    func aDoctoredBankLedgerIsNamedAsADifference(_ kind: StoreKind) async throws {
        let setup = try await Setup(kind)
        try await Self.enrollLanes(setup)
        try await Self.sell(setup, "PP-A1", lane: Self.laneA)
        let bank = try DatabaseQueue(path: setup.harness.directory.appendingPathComponent("bank.sqlite").path)
        // Capture first, then change what the bank posted for it.
        _ = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-1")
        try await setup.engine.refund(
            try RefundRequest(refundID: "rf-1", amount: Money(minorUnits: 100, currency: .jpy)),
            orderID: "PP-A1",
            merchantID: EngineHarness.merchant
        ).result.map { #expect($0.refund.status == .approved) }
        try await bank.write { db in
            try db.execute(sql: "UPDATE posting SET amount = amount + 10 WHERE kind = 'refund'")
        }
        let closed = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-2")
        #expect(closed.state == .outOfBalance)
        #expect(closed.reconciliations.first?.state == .outOfBalance)
        #expect(
            closed.differences == ["refunds at terminal T000000A: bank 1 (JPY 110), settlementd 1 (JPY 100)"])
        #expect(try setup.reconciliations() == ["T000000A JPY 00", "T000000A JPY 95"])
        await setup.stop()
    }

    /// A reconciliation whose answer was lost leaves the batch incomplete; closing the same batch
    /// id again asks again with the same STAN and totals (a 0501), the bank answers what it decided
    /// the first time, and the batch is complete then.
    @Test(arguments: StoreKind.allCases)
    func aReconciliationTheBankDidNotAnswerIsAskedAgain(_ kind: StoreKind) async throws {
        let faults = FaultPlan(rules: [FaultRule(.dropResponse, messageTypes: ["0500"])])
        // Long enough that the sale's own authorization is answered on a loaded CI machine: only the
        // dropped 0500 may time out.
        let setup = try await Setup(kind, faults: faults, responseTimeout: .seconds(8))
        try await Self.enrollLanes(setup)
        try await Self.sell(setup, "PP-A1", lane: Self.laneA)
        let first = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-1")
        #expect(first.state == .incomplete && first.reconciliations.first?.state == .unanswered)
        #expect(first.differences.first?.contains("close batch A-1 again") == true)
        let again = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: Self.laneA, batchID: "A-1")
        #expect(again.state == .balanced, "\(again.differences)")
        #expect(again.reconciliations.first?.bank == HostTotals(capturedCount: 1, capturedAmount: 1155))
        #expect(again.captures == first.captures || again.captures.isEmpty)
        await setup.stop()
    }
}

extension LaneAndBatchTests {
    /// A merchant without lanes is one lane: a lane's close (registerd always names its own) takes
    /// the sales whose store request named no lane too, and captures them.
    @Test(arguments: StoreKind.allCases)
    func aMerchantWithoutLanesClosesTheSalesOfNoLaneWithAnyLane(_ kind: StoreKind) async throws {
        let setup = try await Setup(kind)
        try await Self.sell(setup, "PP-1", lane: nil)
        try await Self.sell(setup, "PP-2", lane: "PP-TERM-1")
        let closed = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: "PP-TERM-1", batchID: "PP-TERM-1-1")
        #expect(closed.captures.map(\.orderId) == ["PP-1", "PP-2"] && closed.state == .balanced)
        #expect(closed.sales == [LaneTotals(currency: "JPY").with(approved: (2, 2310))])
        #expect(closed.reconciliations.map(\.terminalId) == ["TERM0001"])
        await setup.stop()
    }

    /// Asking about a batch again (`existing`) never closes a new one: a batch id never closed is
    /// `404`, and nothing joins it.
    @Test(arguments: StoreKind.allCases)
    func askingAboutABatchNeverClosedIsNotFoundAndClosesNothing(_ kind: StoreKind) async throws {
        let setup = try await Setup(kind)
        try await Self.sell(setup, "PP-1", lane: "PP-TERM-1")
        do {
            _ = try await setup.engine.closeBatch(
                merchantID: EngineHarness.merchant, laneID: "PP-TERM-1", batchID: "PP-TERM-1-9",
                existing: true)
            Issue.record("an unknown batch was reported")
        } catch {
            guard case SettlementError.notFound(let why) = error else { throw error }
            #expect(why.contains("PP-TERM-1-9"))
        }
        #expect(
            try await setup.harness.store.batch(merchantID: EngineHarness.merchant, batchID: "PP-TERM-1-9")
                == nil)
        #expect(
            try await setup.harness.store.openTotals(merchantID: EngineHarness.merchant, laneID: "PP-TERM-1")
                == [LaneTotals(currency: "JPY").with(approved: (1, 1155))])
        let closed = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: "PP-TERM-1", batchID: "PP-TERM-1-1")
        let again = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: "PP-TERM-1", batchID: "PP-TERM-1-1", existing: true)
        #expect(again == closed)
        await setup.stop()
    }

    /// A capture the bank never answers leaves the batch incomplete: the reconciliation waits (the
    /// bank may have posted it), and the report is not stored, so the same batch id asks again.
    @Test(arguments: StoreKind.allCases)
    func aPendingCaptureLeavesTheBatchIncompleteAndUnstored(_ kind: StoreKind) async throws {
        let faults = FaultPlan(rules: [FaultRule(.dropResponse, messageTypes: ["0220", "0221"])])
        // The sale's own authorization must not time out on a loaded machine: 8 s, only the
        // dropped 0220 waits them out.
        let setup = try await Setup(kind, faults: faults, responseTimeout: .seconds(8))
        try await Self.sell(setup, "PP-1", lane: "PP-TERM-1")
        let closed = try await setup.engine.closeBatch(
            merchantID: EngineHarness.merchant, laneID: "PP-TERM-1", batchID: "PP-TERM-1-1")
        #expect(closed.state == .incomplete && closed.captures.first?.state == .pending)
        #expect(closed.reconciliations.map(\.state) == [.unanswered], "no 0500 while a capture waits")
        #expect(try setup.reconciliations().isEmpty)
        let stored = try await setup.harness.store.batch(
            merchantID: EngineHarness.merchant, batchID: "PP-TERM-1-1")
        #expect(stored != nil && stored?.report == nil)
        await setup.stop()
    }
}

extension LaneTotals {
    /// These totals with the given (count, amount) figures.
    func with(
        approved: (Int, Int64) = (0, 0), voided: (Int, Int64) = (0, 0), refunded: (Int, Int64) = (0, 0)
    ) -> LaneTotals {
        var totals = self
        (totals.approvedCount, totals.approvedAmount) = approved
        (totals.voidedCount, totals.voidedAmount) = voided
        (totals.refundedCount, totals.refundedAmount) = refunded
        return totals
    }
}
