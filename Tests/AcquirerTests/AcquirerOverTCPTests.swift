import Acquirer
import BankHost
import PairPayCore
import Testing

@Suite struct AcquirerOverTCPTests {
    @Test func approvalAndEveryDeclineReason() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank()
        let acquirer = try await link.acquirer(port: bank.port)
        let cases: [(AuthorizationRequest, AuthorizationOutcome?)] = [
            (try Link.request(), nil),
            (try Link.request(pan: "6011000990139424"), .declined(.invalidCard)),
            (try Link.request(pan: "4000000000000002"), .declined(.doNotHonour)),
            (
                try Link.request(pan: "5555555555554444", expiry: "3006", cvc: "456", amount: 3001),
                .declined(.insufficientFunds)
            ),
            (try Link.request(pan: "4000000000000069", expiry: "2001"), .declined(.expiredCard)),
            (try Link.request(cvc: "999"), .declined(.incorrectCVC)),
            (try Link.request(amount: 50_001), .declined(.limitExceeded)),
        ]
        var approvedRRNs: [String] = []
        for (request, expected) in cases {
            let outcome = try await acquirer.authorize(request)
            if let expected {
                #expect(outcome == expected)
            } else {
                guard case .approved(let approval) = outcome else {
                    Issue.record("expected approval, got \(outcome)")
                    continue
                }
                #expect(approval.approvalCode.count == 6)
                approvedRRNs.append(approval.retrievalReferenceNumber)
            }
        }
        #expect(try ledger.activeHolds().map(\.rrn) == approvedRRNs)
        #expect(await acquirer.echo())
        #expect(await acquirer.signOn())
        #expect(!link.logs.text.contains("4111111111111111"))
        #expect(link.logs.text.contains("411111******1111"))
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func cancelledOrderIsReversed() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank()
        let acquirer = try await link.acquirer(port: bank.port)
        guard case .approved(let approval) = try await acquirer.authorize(try Link.request()) else {
            Issue.record("not approved")
            return
        }
        #expect(try ledger.activeHolds().count == 1)
        let outcome = try await acquirer.reverse(
            ReversalRequest(authorization: approval.reference, reason: .cancelled))
        #expect(outcome == .acknowledged)
        #expect(try ledger.activeHolds().isEmpty)
        await #expect(throws: AcquirerError.unknownAuthorization(999)) {
            try await acquirer.reverse(
                ReversalRequest(authorization: AuthorizationReference(id: 999), reason: .cancelled))
        }
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func timeoutIsReversedAndNothingStaysHeld() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank(
            faults: FaultPlan(rules: [FaultRule(.dropResponse, accountIDs: ["visa-faulty"])]))
        let acquirer = try await link.acquirer(port: bank.port, responseTimeout: .seconds(5))
        let outcome = try await acquirer.authorize(try Link.request(pan: "4242424242424242"))
        #expect(outcome == .reversed(.timeout))
        // The bank did place a hold before the reply was dropped; the reversal released it.
        #expect(try ledger.allHolds().map(\.status) == ["released"])
        #expect(try await acquirer.store.pendingReversalCount() == 0)
        // The link is still usable.
        guard case .approved = try await acquirer.authorize(try Link.request()) else {
            Issue.record("approval after timeout failed")
            return
        }
        #expect(try ledger.activeHolds().map(\.accountID) == ["visa-credit"])
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func droppedConnectionMidRequestReconnectsAndReverses() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank(
            faults: FaultPlan(rules: [FaultRule(.closeConnection, accountIDs: ["visa-faulty"])]))
        let acquirer = try await link.acquirer(port: bank.port)
        let outcome = try await acquirer.authorize(try Link.request(pan: "4242424242424242"))
        #expect(outcome == .reversed(.connectionLost))
        #expect(try await acquirer.store.pendingReversalCount() == 0)
        guard case .approved = try await acquirer.authorize(try Link.request()) else {
            Issue.record("no approval after reconnect")
            return
        }
        #expect(try ledger.activeHolds().map(\.accountID) == ["visa-credit"])
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func garbledReplyCountsAsUnknownAndIsReversed() async throws {
        let link = try Link()
        let (bank, ledger) = try await link.startBank(
            faults: FaultPlan(rules: [FaultRule(.garbleReply, accountIDs: ["visa-faulty"])]))
        let acquirer = try await link.acquirer(port: bank.port, responseTimeout: .seconds(2))
        #expect(
            try await acquirer.authorize(try Link.request(pan: "4242424242424242")) == .reversed(.timeout))
        #expect(try ledger.activeHolds().isEmpty)
        await acquirer.shutdown()
        await bank.stop()
    }

    @Test func bankDownMeansIssuerUnavailableAndReversalWaitsForRestart() async throws {
        let link = try Link()
        var (bank, ledger) = try await link.startBank()
        let acquirer = try await link.acquirer(port: bank.port)
        guard case .approved(let approval) = try await acquirer.authorize(try Link.request()) else {
            Issue.record("not approved")
            return
        }
        await bank.stop()
        #expect(try await acquirer.authorize(try Link.request(order: "order-2")) == .issuerUnavailable)
        let queued = try await acquirer.reverse(
            ReversalRequest(authorization: approval.reference, reason: .cancelled))
        #expect(queued == .queued)
        // Asked again while the bank is still down: the same reversal, no second STAN for it.
        #expect(
            try await acquirer.reverse(ReversalRequest(authorization: approval.reference, reason: .cancelled))
                == .queued)
        #expect(try await acquirer.store.pendingReversalCount() == 1)
        await acquirer.shutdown()

        // Both sides restart; the bank on a new port, the acquirer from its store.
        (bank, ledger) = try await link.startBank()
        #expect(try ledger.activeHolds().count == 1)
        let restarted = try await link.acquirer(port: bank.port)
        await restarted.flushReversals()
        #expect(try await restarted.store.pendingReversalCount() == 0)
        #expect(try ledger.activeHolds().isEmpty)
        // The STAN counter survived: the new authorization does not reuse an old STAN.
        _ = try await restarted.authorize(try Link.request(order: "order-3"))
        // Each STAN is taken in the transaction that records its message: 1 and 2 for the first two
        // authorizations, 3 for the reversal (once), 4 for this one.
        let stans = try await restarted.store.authorizations().map(\.stan)
        #expect(stans == ["000001", "000002", "000004"])
        #expect(try (restarted.store as? SQLiteAcquirerStore)?.durabilitySettings().synchronous == 2)
        await restarted.shutdown()
        await bank.stop()
    }
}
