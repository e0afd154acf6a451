import Acquirer
import BankHost
import Foundation
import GRDB
import PairPayCore
import Testing

/// Issue 11, bug 1: an amount the bank message cannot carry must never be recorded, and a reversal
/// that cannot be sent must never hold up the others.
@Suite struct ParkedReversalTests {
    @Test func anAmountFieldFourCannotCarryIsRefusedAndNothingIsRecorded() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank()
        let acquirer = try await link.acquirer(port: bank.port)
        await #expect(throws: AcquirerError.amountNotPayable(1_000_000_000_000)) {
            _ = try await acquirer.authorize(try Link.request(amount: 1_000_000_000_000))
        }
        #expect(try await acquirer.store.authorizations().isEmpty)
        // The largest amount field 4 carries is sent (and declined by the card's limit, not refused).
        let largest = try await acquirer.authorize(try Link.request(amount: 999_999_999_999))
        guard case .declined = largest else {
            Issue.record("the largest amount was not sent and declined: \(largest)")
            return
        }
        // The refused one took no STAN either.
        #expect(try await acquirer.store.authorizations().map(\.stan) == ["000001"])
        #expect(try ledger.activeHolds().isEmpty)
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func anAuthorizationTheCodecRefusesIsNotRecorded() async throws {
        let link = try Link()
        let (bank, _) = try await link.startBank()
        // Field 32 is numeric: letters make every authorization unencodable.
        let acquirer = try await ISO8583Acquirer.open(
            configuration: ISO8583AcquirerConfiguration(
                port: bank.port, storePath: link.acquirerPath, echoInterval: nil,
                acquiringInstitutionID: "ABC"),
            logger: link.logs.logger(label: "acquirer"))
        await #expect(throws: AcquirerError.self) {
            _ = try await acquirer.authorize(try Link.request())
        }
        #expect(try await acquirer.store.authorizations().isEmpty)
        await acquirer.shutdown()
        // Nothing is left for a restart to "reverse".
        let restarted = try await link.acquirer(port: bank.port)
        #expect(try await restarted.store.pendingReversalCount() == 0)
        await restarted.shutdown()
        await bank.stop()
    }

    /// The state the old code left behind: an authorization of 10¹² recorded as `sent` that never
    /// went out. After a restart its reversal could not be encoded and blocked every later one.
    @Test func anUnsendableReversalIsParkedAndTheOthersReachTheBank() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank()
        try await link.acquirer(port: bank.port).shutdown()
        try Self.insertLegacyOversizedAuthorization(at: link.acquirerPath)

        // The restart queues the legacy row's reversal at the head of the queue.
        let acquirer = try await link.acquirer(port: bank.port)
        guard case .approved(let approval) = try await acquirer.authorize(try Link.request(order: "order-2"))
        else {
            Issue.record("not approved")
            return
        }
        #expect(try ledger.activeHolds().count == 1)
        let outcome = try await acquirer.reverse(
            ReversalRequest(authorization: approval.reference, reason: .cancelled))
        #expect(outcome == .acknowledged)
        #expect(try ledger.activeHolds().isEmpty)
        #expect(try await acquirer.store.reversalCounts() == [.pending: 0, .parked: 1])
        let parked = try #require(try await acquirer.store.reversals().first)
        #expect(parked.authorizationID == 1 && parked.state == .parked)
        #expect(parked.reason?.contains("field 4") == true)
        #expect(link.logs.lines.contains { $0.contains("PARKED") && $0.contains("#1") })

        // The operator resolves it; it leaves the queue for good and cannot be retried.
        try await acquirer.store.resolveReversal(1, note: "bank ref 77: nothing was ever held")
        #expect(try await acquirer.store.reversalCounts() == [.pending: 0, .parked: 0])
        await #expect(throws: ReversalActionError.wrongState(1, .resolved, action: "retried")) {
            try await acquirer.store.retryReversal(1)
        }
        await #expect(throws: ReversalActionError.emptyNote) {
            try await acquirer.store.resolveReversal(2, note: "  ")
        }
        await #expect(throws: ReversalActionError.unknown(99)) { try await acquirer.store.retryReversal(99) }
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func aRetriedParkedReversalGoesBackInTheQueue() async throws {
        let link = try Link()
        let (bank, _) = try await link.startBank()
        try await link.acquirer(port: bank.port).shutdown()
        try Self.insertLegacyOversizedAuthorization(at: link.acquirerPath)
        let acquirer = try await link.acquirer(port: bank.port)
        await acquirer.flushReversals()
        #expect(try await acquirer.store.reversalCounts() == [.pending: 0, .parked: 1])
        try await acquirer.store.retryReversal(1)
        #expect(try await acquirer.store.reversalCounts() == [.pending: 1, .parked: 0])
        // Still unsendable: parked again on the next flush, never sent, never blocking.
        await acquirer.flushReversals()
        #expect(try await acquirer.store.reversalCounts() == [.pending: 0, .parked: 1])
        await acquirer.shutdown()
        await bank.stop()
    }

    /// Store-and-forward: a reversal queued while the bank is down reaches it through the retry
    /// loop alone, with nobody asking again, even behind a parked one.
    @Test func aQueuedReversalReachesTheBankWhenItComesBack() async throws {
        let link = try Link()
        var (bank, ledger) = try await link.startBank()
        let port = bank.port
        try await link.acquirer(port: port).shutdown()
        try Self.insertLegacyOversizedAuthorization(at: link.acquirerPath)
        let acquirer = try await ISO8583Acquirer.open(
            configuration: ISO8583AcquirerConfiguration(
                port: port, storePath: link.acquirerPath, responseTimeout: .seconds(15), echoInterval: nil,
                reversalRetryInterval: .milliseconds(200)),
            logger: link.logs.logger(label: "acquirer"))
        let outcome = try await acquirer.authorize(try Link.request())
        guard case .approved(let approval) = outcome else {
            Issue.record("not approved: \(outcome)")
            return
        }
        await bank.stop()
        #expect(
            try await acquirer.reverse(ReversalRequest(authorization: approval.reference, reason: .cancelled))
                == .queued)
        acquirer.start()
        (bank, ledger) = try await link.startBank(port: port)
        #expect(try ledger.activeHolds().count == 1)
        let deadline = ContinuousClock.now + .seconds(20)
        while try await acquirer.store.reversalCounts()[.pending] != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try ledger.activeHolds().isEmpty)
        #expect(try await acquirer.store.reversalCounts() == [.pending: 0, .parked: 1])
        #expect(try await acquirer.store.authorization(approval.reference.id)?.state == "reversed")
        await acquirer.shutdown()
        await bank.stop()
    }

    /// Writes the row the code before the fix left: recorded `sent` with a 13-digit amount.
    static func insertLegacyOversizedAuthorization(at path: String) throws {
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(
                sql: """
                    UPDATE stan_counter SET value = value + 1;
                    INSERT INTO authorization (order_id, merchant, terminal, stan, transmission, rrn, amount,
                        currency, masked_pan, state)
                    VALUES ('ACC-13', 'MERCHANT0000042', 'TERM0001', '000001', '1201120000', '633512000001',
                        1000000000000, '392', '411111******1111', 'sent');
                    """)
        }
    }
}
