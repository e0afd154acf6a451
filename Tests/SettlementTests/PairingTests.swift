import Foundation
import PairPayCore
import Settlement
import Synchronization
import Testing

@Suite struct PairingTests {
    /// The engine rings the push sender once per result it puts in the outbox (settlementd wires
    /// the ring to ``PushDoorbell``), and not for a merchant without a push URL.
    @Test(arguments: StoreKind.allCases) func aQueuedPushRingsOnceAfterItIsStored(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let rings = Mutex(0)
        let engine = harness.engine(acquirer: CountingAcquirer()) { rings.withLock { $0 += 1 } }
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        #expect(rings.withLock { $0 } == 0)
        _ = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(rings.withLock { $0 } == 1)
        #expect(
            try await harness.store.deliveries(merchantID: EngineHarness.merchant, orderID: "PP-1").count == 1
        )
        // The other merchant has no push URL: its result is not queued, nothing rings.
        _ = try await engine.submitFirst(
            try EngineHarness.first(order: "PP-2", merchant: EngineHarness.otherMerchant),
            merchantID: EngineHarness.otherMerchant)
        _ = try await engine.cancel("PP-2", merchantID: EngineHarness.otherMerchant)
        #expect(rings.withLock { $0 } == 1)
    }

    @Test(arguments: StoreKind.allCases) func storeFirstThenPhoneIsApprovedOnce(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        let view = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        #expect(view.state == .awaitingSecond)
        #expect(view.expiresAt == 1_767_225_600 + 120)
        let signed = try #require(
            try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user))
        #expect(signed.result.status == .approved && signed.result.approvalCode == "A1B2C3")
        #expect(signed.result.cardLast4 == "1111")
        #expect(try ResultVerifier(publicKey: harness.signer.publicKey).verify(signed) == signed.result)
        #expect(acquirer.authorizeCount == 1)
        let request = try #require(acquirer.authorizations.withLock { $0.first })
        #expect(request.merchantID == "MERCHANT0000042" && request.terminalID == "TERM0001")
        #expect(request.amount == Money(minorUnits: 1155, currency: .jpy))
        let status = try await engine.order("PP-1", merchantID: EngineHarness.merchant)
        #expect(status.state == .final && status.result == signed)
        let trail = try await harness.store.auditTrail(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(trail.map(\.toState) == [.awaitingSecond, .authorizing, .final])
        let pushes = try await harness.store.deliveries(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(pushes.count == 1 && pushes.first?.url == "https://store.example/push")
    }

    @Test(arguments: StoreKind.allCases) func phoneFirstThenStoreIsApproved(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        #expect(try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user) == nil)
        #expect(try await engine.order("PP-1", merchantID: EngineHarness.merchant).state == .awaitingFirst)
        #expect(acquirer.authorizeCount == 0)
        let view = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        #expect(view.state == .final && view.result?.result.status == .approved)
        #expect(acquirer.authorizeCount == 1)
        // The card's security code came back from the sealed pending record.
        #expect(acquirer.authorizations.withLock { $0.first?.card.securityCode?.digits } == "123")
        // The phone's repeat now gets the result.
        let again = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(again == view.result)
    }

    @Test(arguments: StoreKind.allCases) func digestOnlySecondRequestMatches(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let signed = try await engine.submitSecond(
            try EngineHarness.second(digestOnly: true), userID: EngineHarness.user)
        #expect(signed?.result.status == .approved)
        #expect(acquirer.authorizeCount == 1)
    }

    @Test(arguments: [false, true])
    func tamperedAmountIsDeclinedWithoutAcquirer(storeFirst: Bool) async throws {
        let harness = try await EngineHarness()
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        // The phone claims a lower total and quantity than the store's order.
        let phone = try EngineHarness.second(peanutQuantity: 2, total: 1)
        var result: SignedSettlementResult?
        if storeFirst {
            _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
            result = try await engine.submitSecond(phone, userID: EngineHarness.user)
        } else {
            #expect(try await engine.submitSecond(phone, userID: EngineHarness.user) == nil)
            result = try await engine.submitFirst(
                try EngineHarness.first(), merchantID: EngineHarness.merchant
            ).result
        }
        #expect(result?.result.status == .declined && result?.result.reason == .mismatch)
        #expect(result?.result.total.minorUnits == 0)  // neither party learns the other's amount
        #expect(acquirer.authorizeCount == 0)
        let trail = try await harness.store.auditTrail(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(trail.last?.event.contains("total") == true)
        #expect(trail.allSatisfy { $0.toState != .authorizing })
    }

    @Test(arguments: StoreKind.allCases) func tamperedStoreOrderIsAMismatchToo(_ kind: StoreKind) async throws
    {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(
            try EngineHarness.first(peanutQuantity: 3), merchantID: EngineHarness.merchant)
        let result = try await engine.submitSecond(
            try EngineHarness.second(digestOnly: true), userID: EngineHarness.user)
        #expect(result?.result.reason == .mismatch)
        #expect(result?.result.total.minorUnits == 0)
        #expect(acquirer.authorizeCount == 0)
    }

    @Test(arguments: StoreKind.allCases) func declineReasonsAreMapped(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let acquirer = CountingAcquirer(outcome: .declined(.insufficientFunds))
        let engine = harness.engine(acquirer: acquirer)
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let result = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        #expect(result?.result.status == .declined && result?.result.reason == .insufficientFunds)
    }
}
