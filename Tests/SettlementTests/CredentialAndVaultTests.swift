import Foundation
import LogCapture
import PairPayCore
import Settlement
import Testing

@Suite struct CredentialAndVaultTests {
    @Test(arguments: StoreKind.allCases) func vaultedCardPaysAndThePANNeverLeaves(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let logs = CapturedLog()
        let acquirer = CountingAcquirer()
        let engine = harness.engine(acquirer: acquirer, logger: logs.logger())
        let card = CardData(
            primaryAccountNumber: try PrimaryAccountNumber(EngineHarness.pan),
            expiry: try CardExpiry(yymm: "3012"),
            securityCode: try CardSecurityCode("123"))
        let summary = try await harness.store.vaultCard(
            card, userID: EngineHarness.user, vault: harness.vault)
        #expect(summary.cardLast4 == "1111" && summary.vaultReference.hasPrefix("vr_"))
        let stored = try #require(try await harness.store.vaultedCard(reference: summary.vaultReference))
        #expect(!String(decoding: stored.sealed, as: UTF8.self).contains(EngineHarness.pan))

        // Another user cannot pay with it.
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let payment = PaymentInstrument.vaultReference(summary.vaultReference)
        do {
            _ = try await engine.submitSecond(try EngineHarness.second(payment: payment), userID: "user-2")
            Issue.record("another user's vault reference accepted")
        } catch let error as SettlementError {
            #expect(error.code == "not-found")
        }
        let signed = try #require(
            try await engine.submitSecond(
                try EngineHarness.second(payment: payment), userID: EngineHarness.user))
        #expect(signed.result.status == .approved && signed.result.cardLast4 == "1111")
        let charged = try #require(acquirer.authorizations.withLock { $0.first })
        #expect(charged.card.primaryAccountNumber.digits == EngineHarness.pan)
        #expect(charged.card.securityCode == nil)  // never stored in the vault

        // No PAN in any view, result JSON, push body, database file or log line.
        let view = try await engine.order("PP-1", merchantID: EngineHarness.merchant)
        let encoded = String(
            decoding: try JSONEncoder().encode(view) + JSONEncoder().encode(signed), as: UTF8.self)
        #expect(!encoded.contains(EngineHarness.pan) && !encoded.contains("411111"))
        let pushes = try await harness.store.deliveries(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(
            !pushes.isEmpty
                && pushes.allSatisfy { !String(decoding: $0.body, as: UTF8.self).contains(EngineHarness.pan) }
        )
        let everything = try await harness.everythingStored()
        #expect(everything.range(of: Data(EngineHarness.pan.utf8)) == nil, "PAN in the \(kind) store")
        #expect(
            everything.range(of: Data(Hex.encode(Array(EngineHarness.pan.utf8)).utf8)) == nil, "PAN as bytes")
        #expect(!logs.text.contains(EngineHarness.pan) && !logs.text.contains("123\n"))
    }

    @Test(arguments: StoreKind.allCases) func phoneFirstCardIsSealedAtRest(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let engine = harness.engine(acquirer: CountingAcquirer())
        _ = try await engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        let everything = try await harness.everythingStored()
        #expect(everything.range(of: Data(EngineHarness.pan.utf8)) == nil)
        #expect(everything.range(of: Data(Hex.encode(Array(EngineHarness.pan.utf8)).utf8)) == nil)
        let stored = try await harness.store.order(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(stored?.sealedPendingCard != nil && stored?.cardLast4 == "1111")
    }

    @Test func vaultRefusesAnotherKeyOrOwner() throws {
        let vault = try Vault(keyBytes: Array(repeating: 1, count: 32))
        let card = CardData(
            primaryAccountNumber: try PrimaryAccountNumber(EngineHarness.pan),
            expiry: try CardExpiry(yymm: "3012"),
            securityCode: nil)
        let sealed = try vault.seal(card, context: "vault\nuser-1\nvr_1")
        #expect(try vault.open(sealed, context: "vault\nuser-1\nvr_1") == card)
        #expect(throws: VaultError.cannotOpen) { try vault.open(sealed, context: "vault\nuser-2\nvr_1") }
        #expect(throws: VaultError.cannotOpen) {
            try Vault(keyBytes: Array(repeating: 2, count: 32)).open(sealed, context: "vault\nuser-1\nvr_1")
        }
        #expect(throws: VaultError.self) { try Vault(keyBytes: [1, 2, 3]) }
        #expect(!VaultError.cannotOpen.description.contains(EngineHarness.pan))
    }

    @Test(arguments: StoreKind.allCases) func fivePasswordFailuresLockForFifteenMinutes(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let store = harness.store
        try await store.setUserPassword(userID: EngineHarness.user, password: "correct horse")
        let now = harness.clock.now()
        #expect(
            try await store.verifyPassword(userID: EngineHarness.user, password: "correct horse", now: now)
                == .ok)
        for _ in 0..<4 {
            #expect(
                try await store.verifyPassword(userID: EngineHarness.user, password: "wrong", now: now)
                    == .wrong)
        }
        let until = now.addingTimeInterval(15 * 60)
        #expect(
            try await store.verifyPassword(userID: EngineHarness.user, password: "wrong", now: now)
                == .locked(until: until))
        // Even the right password is refused while locked.
        #expect(
            try await store.verifyPassword(
                userID: EngineHarness.user, password: "correct horse", now: now.addingTimeInterval(60))
                == .locked(until: until))
        #expect(
            try await store.verifyPassword(
                userID: EngineHarness.user, password: "correct horse", now: until.addingTimeInterval(1))
                == .ok)
        #expect(try await store.verifyPassword(userID: "nobody", password: "x", now: now) == .wrong)
        let user = try #require(try await store.user(id: EngineHarness.user))
        #expect(user.hasPassword && user.failedAttempts == 0 && user.lockedUntil == nil)
    }

    @Test(arguments: StoreKind.allCases) func nonceReplayIsRefused(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let expires = harness.clock.now().addingTimeInterval(600)
        #expect(try await harness.store.recordNonce("0123456789abcdef", keyID: "k1", expiresAt: expires))
        #expect(try await !harness.store.recordNonce("0123456789abcdef", keyID: "k1", expiresAt: expires))
        #expect(try await harness.store.recordNonce("0123456789abcdef", keyID: "k2", expiresAt: expires))
        #expect(try await harness.store.purgeExpiredNonces(now: expires.addingTimeInterval(1)) == 2)
    }

    @Test(arguments: StoreKind.allCases) func merchantCredentialsByKeyAndCertificate(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let store = harness.store
        let key = Array(repeating: UInt8(9), count: 32)
        try await store.addMerchantMACKey(merchantID: EngineHarness.merchant, keyID: "mk-1", key: key)
        try await store.addMerchantCertificate(
            merchantID: EngineHarness.merchant, fingerprint: String(repeating: "AB", count: 32))
        try await store.addUserMACKey(userID: EngineHarness.user, keyID: "uk-1", key: key)
        try await store.addUserCertificate(
            userID: EngineHarness.user, fingerprint: String(repeating: "cd", count: 32))
        let record = try #require(try await store.macKey(id: "mk-1"))
        #expect(
            record.keyID == "mk-1" && record.owner == .merchant(EngineHarness.merchant) && record.key == key)
        #expect(record.createdAt != nil && record.expiresAt == nil && record.retiredAt == nil)
        #expect(try await store.macKey(id: "uk-1")?.owner == .user(EngineHarness.user))
        let merchant = try #require(
            try await store.merchantByCertificateFingerprint(String(repeating: "ab", count: 32)))
        #expect(merchant.id == EngineHarness.merchant && merchant.macKeys["mk-1"] == key)
        #expect(merchant.pushURL == "https://store.example/push")
        #expect(
            try await store.userByCertificateFingerprint(String(repeating: "cd", count: 32))?.id
                == EngineHarness.user)
        #expect(try await store.merchantByCertificateFingerprint(String(repeating: "cd", count: 32)) == nil)
        await #expect(throws: SettlementStoreError.unknownOwner("nobody")) {
            try await store.addMerchantMACKey(merchantID: "nobody", keyID: "x", key: key)
        }
    }

    @Test(arguments: StoreKind.allCases) func pushOutboxRetriesUntilDelivered(_ kind: StoreKind) async throws
    {
        let harness = try await EngineHarness(kind: kind)
        let engine = harness.engine(acquirer: CountingAcquirer())
        _ = try await engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        _ = try await engine.cancel("PP-1", merchantID: EngineHarness.merchant)
        let now = harness.clock.now()
        let lease = now.addingTimeInterval(60)
        let due = try await harness.store.claimDueDeliveries(now: now, limit: 10, leaseUntil: lease)
        #expect(due.count == 1 && due.first?.secret == Array(repeating: 7, count: 32))
        let id = try #require(due.first?.id)
        // Claimed: no other sender (instance) gets it until the lease ends.
        #expect(try await harness.store.claimDueDeliveries(now: now, limit: 10, leaseUntil: lease).isEmpty)
        #expect(
            try await harness.store.claimDueDeliveries(now: lease, limit: 10, leaseUntil: lease).count == 1)
        try await harness.store.recordAttempt(
            id: id, success: false, httpStatus: 500, nextAttemptAt: now.addingTimeInterval(30))
        #expect(try await harness.store.claimDueDeliveries(now: now, limit: 10, leaseUntil: lease).isEmpty)
        #expect(
            try await harness.store.claimDueDeliveries(
                now: now.addingTimeInterval(30), limit: 10, leaseUntil: lease
            )
            .first?.attempts == 1)
        try await harness.store.recordAttempt(id: id, success: true, httpStatus: 204, nextAttemptAt: nil)
        #expect(
            try await harness.store.claimDueDeliveries(
                now: now.addingTimeInterval(3600), limit: 10, leaseUntil: now.addingTimeInterval(3660)
            ).isEmpty)
        // The other merchant has no endpoint: nothing queued.
        _ = try await engine.submitFirst(
            try EngineHarness.first(order: "X", merchant: EngineHarness.otherMerchant),
            merchantID: EngineHarness.otherMerchant)
        _ = try await engine.cancel("X", merchantID: EngineHarness.otherMerchant)
        #expect(
            try await harness.store.deliveries(merchantID: EngineHarness.otherMerchant, orderID: "X").isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func twoMerchantsNeverShareAnAcquirerMerchantID(_ kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        // Both default to their first 15 characters: "acme-supermarke".
        try await harness.store.enrollMerchant(
            id: "acme-supermarket-1", acquirerMerchantID: nil, terminalID: nil)
        await #expect(
            throws: SettlementStoreError.acquirerMerchantIDTaken("acme-supermarke", by: "acme-supermarket-1")
        ) {
            try await harness.store.enrollMerchant(
                id: "acme-supermarket-2", acquirerMerchantID: nil, terminalID: nil)
        }
        #expect(try await harness.store.merchant(id: "acme-supermarket-2") == nil)
        try await harness.store.enrollMerchant(
            id: "acme-supermarket-2", acquirerMerchantID: "ACME0000000002", terminalID: nil)
        #expect(
            try await harness.store.merchant(id: "acme-supermarket-2")?.acquirerMerchantID == "ACME0000000002"
        )
    }
}
