import Foundation
import Register
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

@Suite(.serialized) struct JournalTests {
    static func temporaryJournalPath() -> String {
        NSTemporaryDirectory() + "registerd-journal-\(UUID().uuidString).sqlite"
    }

    @Test func theJournalIsDurableAndRoundTrips() throws {
        let path = Self.temporaryJournalPath()
        let journal = try RegisterJournal(path: path)
        #expect(try journal.synchronousSetting() == 2)  // FULL
        var log = try TransactionLog(journal: journal)
        let sale = RegisterServiceHarness.basket
        try log.append(
            TransactionRecord(kind: .sale(sale), receipt: sale.receipt, orderID: "PP-1-A", period: 1))
        try log.markNewestRegistered()
        let result = TransactionResult(
            receipt: sale.receipt, orderID: "PP-1-A", status: .approved, reason: "approved",
            currencyCode: "JPY",
            total: 1155, approvalCode: "A1", cardLast4: "1111")
        try log.completeNewest(with: result)
        try log.closePeriod()

        let reopened = try TransactionLog(journal: RegisterJournal(path: path))
        #expect(reopened.period == 2)
        #expect(reopened.records.count == 1)
        let record = try #require(reopened.records.first)
        #expect(record.kind == .sale(sale) && record.result == result && record.registered)
        #expect(
            try RegisterJournal(path: path).steps(of: try #require(record.journalID)) == [
                "opened", "registered", "completed",
            ])
    }

    @Test func aCorruptOrUnwritableJournalIsRefusedClearly() throws {
        #expect(throws: RegisterJournalError.self) {
            try RegisterJournal(path: "/nonexistent-dir/journal.sqlite")
        }
        let path = Self.temporaryJournalPath()
        try Data("this is not a database, just some text long enough to be a header".utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: RegisterJournalError.self) { try RegisterJournal(path: path) }
    }

    @Test func aRestartedServiceRemembersResultsAndNeverChargesAReceiptTwice() async throws {
        let path = Self.temporaryJournalPath()
        let first = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        let payment = try await first.startSale()
        first.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let result = try await first.register.nextResult()
        try await first.register.send(.totalsRequest(TotalsRequest(closePeriod: false)))
        _ = try await first.register.nextReply()
        await first.stop()

        let second = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        #expect(try await second.status() == StatusReply(completed: result))
        try await second.register.send(.sale(RegisterServiceHarness.basket))
        #expect(try await second.register.nextReply() == .result(result))
        #expect(second.gateway.registered.isEmpty)
        try await second.register.send(.totalsRequest(TotalsRequest(closePeriod: true)))
        guard case .totals(let totals) = try await second.register.nextReply() else {
            Issue.record("expected TOTALS")
            return
        }
        #expect(totals.currencies.first?.approvedAmount == 1155)
        await second.stop()
    }

    @Test func anOpenSaleIsResumedAfterACrashAndItsOutcomeLearnt() async throws {
        let path = Self.temporaryJournalPath()
        let first = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        let payment = try await first.startSale()
        await first.stop()  // registerd goes away with the sale open

        // While registerd was down the customer paid; the server knows the outcome.
        let gateway = ScriptedSettlementGateway()
        gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let second = try await RegisterServiceHarness(gateway: gateway, journal: RegisterJournal(path: path))
        // The resumed sale shows its payment request again; STATUS reports it once the outcome is in.
        var status = StatusReply(state: .none)
        let deadline = ContinuousClock.now + .seconds(20)
        while status.state != .completed && ContinuousClock.now < deadline {
            try await second.register.send(.statusRequest(StatusRequest()))
            let reply = try await second.register.next(where: { if case .status = $0 { true } else { false } }
            )
            if case .status(let reported) = reply { status = reported }
            if status.state != .completed { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(status.state == .completed && status.status == .approved)
        #expect(status.orderID == payment.orderID)
        #expect(gateway.registered.map(\.orderID) == [payment.orderID])  // same order, not a new one
        await second.stop()
    }
}
