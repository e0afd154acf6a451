import Foundation
import PairPayCore
import Settlement
import Testing

@Suite struct RepeatAndLifecycleTests {
    @Test(arguments: StoreKind.allCases) func identicalRepeatsHaveNoSecondEffect(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        let first = try await engine.submitFirst(
            try EngineHarness.first(), merchantID: EngineHarness.merchant)
        #expect(
            try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
                == first)
        let result = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        let again = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(again == result)
        let firstAgain = try await engine.submitFirst(
            try EngineHarness.first(), merchantID: EngineHarness.merchant)
        #expect(firstAgain.result == result)
        #expect(acquirer.authorizeCount == 1)
        let pushes = try await harness.store.deliveries(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(pushes.count == 1)
    }

    @Test(arguments: StoreKind.allCases) func conflictingRepeatsAreRefused(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        await #expect(throws: SettlementError.self) {
            try await engine.submitFirst(
                try EngineHarness.first(peanutQuantity: 2), merchantID: EngineHarness.merchant)
        }
        _ = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        do {
            _ = try await engine.submitSecond(
                try EngineHarness.second(payment: try EngineHarness.card(pan: "5555555555554444")),
                userID: EngineHarness.user)
            Issue.record("conflicting second request accepted")
        } catch let error as SettlementError {
            #expect(error.code == "conflict" && error.httpStatus == 409)
        }
        do {
            _ = try await engine.submitSecond(try EngineHarness.second(), userID: "user-2")
            Issue.record("another user's repeat accepted")
        } catch let error as SettlementError {
            #expect(error.code == "conflict")
        }
        #expect(acquirer.authorizeCount == 1)
    }

    @Test(arguments: StoreKind.allCases) func overdueOrdersExpire(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(
            try EngineHarness.first(order: "A", expires: 30), merchantID: EngineHarness.merchant)
        _ = try await engine.submitFirst(
            try EngineHarness.first(order: "B"), merchantID: EngineHarness.merchant)
        #expect(
            try await engine.submitSecond(try EngineHarness.second(order: "C"), userID: EngineHarness.user)
                == nil)
        harness.clock.advance(60)
        #expect(await engine.expireOverdue() == 1)
        let a = try await engine.order("A", merchantID: EngineHarness.merchant)
        #expect(
            a.state == .final && a.result?.result.status == .expired && a.result?.result.reason == .expired)
        do {
            _ = try await engine.submitSecond(
                try EngineHarness.second(order: "A"), userID: EngineHarness.user)
            Issue.record("paid an expired order")
        } catch let error as SettlementError {
            #expect(error.code == "expired" && error.httpStatus == 410)
        }
        harness.clock.advance(61)
        #expect(await engine.expireOverdue() == 2)
        #expect(
            try await engine.order("C", merchantID: EngineHarness.merchant).result?.result.status == .expired)
        #expect(acquirer.authorizeCount == 0)
        // The phone's sealed card is wiped once the order has ended.
        #expect(
            try await harness.store.order(merchantID: EngineHarness.merchant, orderID: "C")?.sealedPendingCard
                == nil)
    }

    @Test(arguments: StoreKind.allCases) func cancelBeforeAuthorization(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let cancelled = try await engine.cancel("PP-1", merchantID: EngineHarness.merchant)
        #expect(
            cancelled.result?.result.status == .cancelled && cancelled.result?.result.reason == .cancelled)
        #expect(try await engine.cancel("PP-1", merchantID: EngineHarness.merchant) == cancelled)
        let phone = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(phone?.result.status == .cancelled)
        #expect(acquirer.authorizeCount == 0 && acquirer.reversals.withLock { $0.isEmpty })
    }

    @Test(arguments: StoreKind.allCases) func cancelAfterApprovalReverses(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let approved = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(approved?.result.status == .approved)
        let cancelled = try await engine.cancel("PP-1", merchantID: EngineHarness.merchant)
        #expect(cancelled.result?.result.status == .cancelled && cancelled.result?.result.reason == .reversed)
        #expect(acquirer.reversals.withLock { $0.map(\.authorization) } == [AuthorizationReference(id: 7)])
        #expect(acquirer.reversals.withLock { $0.first?.reason } == .cancelled)
        // A second cancel changes nothing.
        #expect(try await engine.cancel("PP-1", merchantID: EngineHarness.merchant) == cancelled)
        #expect(acquirer.reversals.withLock { $0.count } == 1)
    }

    @Test(arguments: StoreKind.allCases) func otherMerchantsOrdersAreNotFound(_ kind: StoreKind) async throws
    {
        let harness = try await EngineHarness(kind: kind)
        let engine = harness.engine(acquirer: CountingAcquirer())
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        for call in ["order", "cancel"] {
            do {
                if call == "order" {
                    _ = try await engine.order("PP-1", merchantID: EngineHarness.otherMerchant)
                } else {
                    _ = try await engine.cancel("PP-1", merchantID: EngineHarness.otherMerchant)
                }
                Issue.record("\(call) of another merchant's order allowed")
            } catch {
                #expect(error.code == "not-found" && error.httpStatus == 404)
            }
        }
        // Submitting contents that name another merchant is forbidden.
        do {
            _ = try await engine.submitFirst(
                try EngineHarness.first(), merchantID: EngineHarness.otherMerchant)
            Issue.record("first request for another merchant accepted")
        } catch let error as SettlementError {
            #expect(error.code == "forbidden")
        }
        #expect(try await engine.order("PP-1", merchantID: EngineHarness.merchant).state == .awaitingSecond)
    }

    @Test(arguments: StoreKind.allCases) func historyIsPurgedAfterRetention(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let engine = harness.engine(acquirer: CountingAcquirer())
        _ = try await engine.submitFirst(
            try EngineHarness.first(order: "old"), merchantID: EngineHarness.merchant)
        _ = try await engine.cancel("old", merchantID: EngineHarness.merchant)
        harness.clock.advance(86_400 * 10)
        _ = try await engine.submitFirst(
            try EngineHarness.first(order: "new"), merchantID: EngineHarness.merchant)
        #expect(try await engine.purgeHistory(olderThan: 86_400 * 7) == 1)
        await #expect(throws: SettlementError.self) {
            try await engine.order("old", merchantID: EngineHarness.merchant)
        }
        #expect(
            try await harness.store.auditTrail(merchantID: EngineHarness.merchant, orderID: "old").isEmpty)
        #expect(try await engine.order("new", merchantID: EngineHarness.merchant).state == .awaitingSecond)
    }
}
