import Foundation
import PairPayCore
import Settlement
import Synchronization
import Testing

/// An acquirer that never answers: the process "dies" while the bank is being asked.
final class HangingAcquirer: Acquirer {
    let called = Mutex(false)

    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        called.withLock { $0 = true }
        return await withUnsafeContinuation { _ in }  // never resumed
    }

    func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome { .acknowledged }
}

/// A counting acquirer that can also be asked for approvals (like ``ISO8583Acquirer``).
final class LookupAcquirer: Acquirer, AuthorizationLookup {
    let inner = CountingAcquirer()
    let approved: AuthorizationReference?

    init(approved: AuthorizationReference?) { self.approved = approved }

    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        try await inner.authorize(request)
    }

    func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome {
        try await inner.reverse(request)
    }

    func authorizationStatus(merchantID: String, orderID: String) async throws -> AcquirerAuthorizationStatus
    {
        approved.map { .approved($0) } ?? .none
    }
}

@Suite struct CrashRecoveryTests {
    /// Leaves order PP-1 in `authorizing` in the harness's database, as a crash would.
    func crashDuringAuthorization(_ harness: EngineHarness) async throws {
        let hanging = HangingAcquirer()
        let engine = harness.engine(acquirer: hanging)
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        Task { _ = try? await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user) }
        for _ in 0..<500 where !hanging.called.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(hanging.called.withLock { $0 })
        let stored = try await harness.store.order(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(stored?.state == .authorizing)
        #expect(stored?.sealedPendingCard == nil)
    }

    @Test(arguments: StoreKind.allCases) func approvedBeforeCrashIsReversedNeverAuthorizedAgain(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        try await crashDuringAuthorization(harness)
        let reopened = try await EngineHarness(reopening: harness)
        let acquirer = LookupAcquirer(approved: AuthorizationReference(id: 42))
        let engine = reopened.engine(acquirer: acquirer)
        #expect(await engine.recoverInterruptedAuthorizations() == 1)
        #expect(acquirer.inner.authorizeCount == 0)
        #expect(
            acquirer.inner.reversals.withLock { $0 } == [
                ReversalRequest(authorization: AuthorizationReference(id: 42), reason: .outcomeUnknown)
            ])
        let view = try await engine.order("PP-1", merchantID: EngineHarness.merchant)
        #expect(view.result?.result.status == .declined && view.result?.result.reason == .reversed)
        // The phone's repeat gets that result, with no new authorization.
        let repeatResult = try await engine.submitSecond(
            try EngineHarness.second(), userID: EngineHarness.user)
        #expect(repeatResult == view.result)
        #expect(acquirer.inner.authorizeCount == 0)
        #expect(await engine.recoverInterruptedAuthorizations() == 0)
    }

    @Test(arguments: StoreKind.allCases) func acquirerWithoutLookupLeavesItForReconciliation(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        try await crashDuringAuthorization(harness)
        let reopened = try await EngineHarness(reopening: harness)
        let acquirer = CountingAcquirer()
        let engine = reopened.engine(acquirer: acquirer)
        #expect(await engine.recoverInterruptedAuthorizations() == 1)
        #expect(acquirer.authorizeCount == 0)
        let view = try await engine.order("PP-1", merchantID: EngineHarness.merchant)
        #expect(view.result?.result.reason == .internalError)
        let trail = try await reopened.store.auditTrail(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(trail.last?.event.contains("reconcile by hand") == true)
    }

    @Test(arguments: StoreKind.allCases) func restartKeepsWaitingOrdersAndTheirCards(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let first = harness.engine(acquirer: CountingAcquirer())
        #expect(try await first.submitSecond(try EngineHarness.second(), userID: EngineHarness.user) == nil)
        let reopened = try await EngineHarness(reopening: harness)
        let acquirer = CountingAcquirer()
        let engine = reopened.engine(acquirer: acquirer)
        #expect(try await engine.order("PP-1", merchantID: EngineHarness.merchant).state == .awaitingFirst)
        let view = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        #expect(view.result?.result.status == .approved)
        #expect(
            acquirer.authorizations.withLock { $0.first?.card.primaryAccountNumber.digits }
                == EngineHarness.pan)
        #expect(try await reopened.isDurable())
    }
}
