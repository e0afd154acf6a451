import Acquirer
import BankHost
import Foundation
import LogCapture
import Logging
import PairPayCore
import Settlement
import Testing

/// The engine with the real ISO 8583 acquirer against an in-process bank host on loopback TCP.
@Suite struct RealAcquirerTests {
    struct Bank {
        let server: BankHostServer
        let ledger: IssuerLedger
        let acquirer: ISO8583Acquirer

        init(directory: URL, logger: Logger) async throws {
            ledger = try IssuerLedger(path: directory.appendingPathComponent("bank.sqlite").path)
            let book = try AccountBook(accounts: [
                Account(
                    id: "visa-credit", pan: "4111111111111111", expiry: "3012", cvc: "123", currency: "JPY",
                    limit: 100_000, perTransactionLimit: 50_000)
            ])
            server = try await BankHostServer.start(
                port: 0, issuer: Issuer(accounts: book, ledger: ledger, logger: logger), faults: .none,
                logger: logger)
            acquirer = try await ISO8583Acquirer.open(
                configuration: ISO8583AcquirerConfiguration(
                    port: server.port, storePath: directory.appendingPathComponent("acquirer.sqlite").path,
                    responseTimeout: .seconds(10), echoInterval: nil),
                logger: logger)
        }

        func stop() async {
            await acquirer.shutdown()
            await server.stop()
        }
    }

    @Test func approvalThenCancelReleasesTheHold() async throws {
        let harness = try await EngineHarness()
        let logs = CapturedLog()
        let bank = try await Bank(directory: harness.directory, logger: logs.logger())
        let engine = harness.engine(acquirer: bank.acquirer, logger: logs.logger())
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let signed = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(signed?.result.status == .approved)
        #expect(signed?.result.approvalCode?.count == 6)
        #expect(try bank.ledger.activeHolds().count == 1)
        let cancelled = try await engine.cancel("PP-1", merchantID: EngineHarness.merchant)
        #expect(cancelled.result?.result.reason == .reversed)
        #expect(try bank.ledger.activeHolds().isEmpty)
        #expect(!logs.text.contains(EngineHarness.pan))
        await bank.stop()
    }

    @Test(arguments: ["MERCHANT0000042", "SHOP7", "a"])
    func anApprovalIsFoundWhateverTheMerchantIDLength(merchantID: String) async throws {
        let harness = try await EngineHarness()
        let logs = CapturedLog()
        let bank = try await Bank(directory: harness.directory, logger: logs.logger())
        let outcome = try await bank.acquirer.authorize(
            AuthorizationRequest(
                merchantID: merchantID, terminalID: "TERM0001", orderID: "PP-LEN",
                amount: Money(minorUnits: 1155, currency: .jpy),
                card: CardData(
                    primaryAccountNumber: try PrimaryAccountNumber(EngineHarness.pan),
                    expiry: try CardExpiry(yymm: "3012"), securityCode: try CardSecurityCode("123"))))
        guard case .approved(let approval) = outcome else {
            Issue.record("bank did not approve: \(outcome)")
            return
        }
        let found = try await bank.acquirer.approvedAuthorization(merchantID: merchantID, orderID: "PP-LEN")
        #expect(found == approval.reference)
        #expect(
            try await bank.acquirer.approvedAuthorization(merchantID: merchantID, orderID: "PP-OTHER") == nil)
        #expect(
            try await bank.acquirer.approvedAuthorization(merchantID: "SOMEONE", orderID: "PP-LEN") == nil)
        await bank.stop()
    }

    @Test func crashAfterApprovalIsReversedOnRestartNotAuthorizedAgain() async throws {
        let harness = try await EngineHarness()
        let logs = CapturedLog()
        let bank = try await Bank(directory: harness.directory, logger: logs.logger())
        // The engine persisted `authorizing`, the bank approved, then the process died before the
        // result was stored: reproduce exactly that state.
        var order = OrderRecord(
            merchantID: EngineHarness.merchant, orderID: "PP-9", state: .authorizing,
            expiresAt: harness.clock.now().addingTimeInterval(120), createdAt: harness.clock.now())
        order.contents = try EngineHarness.contents(order: "PP-9")
        order.claim = try EngineHarness.second(order: "PP-9").claim
        try await harness.store.insert(order, event: "test: authorizing when the process died")
        let outcome = try await bank.acquirer.authorize(
            AuthorizationRequest(
                merchantID: "MERCHANT0000042", terminalID: "TERM0001", orderID: "PP-9",
                amount: Money(minorUnits: 1155, currency: .jpy),
                card: CardData(
                    primaryAccountNumber: try PrimaryAccountNumber(EngineHarness.pan),
                    expiry: try CardExpiry(yymm: "3012"), securityCode: try CardSecurityCode("123"))))
        guard case .approved = outcome else {
            Issue.record("bank did not approve: \(outcome)")
            return
        }
        #expect(try bank.ledger.activeHolds().count == 1)
        let authorizationsBefore = try await bank.acquirer.store.authorizations().count

        // Restart: a new store on the same file, a new engine.
        let reopened = try await EngineHarness(directory: harness.directory)
        let engine = reopened.engine(acquirer: bank.acquirer, logger: logs.logger())
        #expect(await engine.recoverInterruptedAuthorizations() == 1)
        let view = try await engine.order("PP-9", merchantID: EngineHarness.merchant)
        #expect(
            view.state == .final && view.result?.result.status == .declined
                && view.result?.result.reason == .reversed)
        #expect(try bank.ledger.activeHolds().isEmpty)
        #expect(try await bank.acquirer.store.authorizations().count == authorizationsBefore)
        await bank.stop()
    }
}
