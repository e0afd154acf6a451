import Foundation
import Settlement
import Testing

/// Credentials over time (issue 16), on SQLite and PostgreSQL alike: request-MAC keys listed with
/// their dates, given an end (a rotation's overlap), retired at once (and a retired key stays
/// retired); client certificates revoked.
@Suite struct MACKeyLifetimeTests {
    static let key = Array(repeating: UInt8(5), count: 32)

    @Test(arguments: StoreKind.allCases) func keysAreListedGivenAnEndAndRetired(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let store = harness.store
        let merchant = MACKeyRecord.Owner.merchant(EngineHarness.merchant)
        let before = Date()
        try await store.addMerchantMACKey(merchantID: EngineHarness.merchant, keyID: "mk-old", key: Self.key)
        try await store.addMerchantMACKey(merchantID: EngineHarness.merchant, keyID: "mk-new", key: Self.key)
        try await store.addUserMACKey(userID: EngineHarness.user, keyID: "uk-1", key: Self.key)

        let listed = try await store.macKeys(owner: merchant)
        #expect(listed.map(\.keyID) == ["mk-old", "mk-new"])
        #expect(listed.allSatisfy { ($0.createdAt ?? .distantPast) >= before.addingTimeInterval(-1) })
        #expect(listed.allSatisfy { $0.state(at: Date()) == .active })
        #expect(try await store.macKeys(owner: .user(EngineHarness.user)).map(\.keyID) == ["uk-1"])
        #expect(try await store.macKeys(owner: .merchant("nobody")).isEmpty)

        // The old key gets an end a minute away: still usable now, refused after it.
        let now = Date()
        let end = now.addingTimeInterval(60)
        try await store.expireMACKey(id: "mk-old", at: end)
        let old = try #require(try await store.macKey(id: "mk-old"))
        #expect(abs((old.expiresAt ?? .distantPast).timeIntervalSince(end)) < 0.001)
        #expect(old.isUsable(at: now) && !old.isUsable(at: end.addingTimeInterval(1)))
        #expect(old.state(at: end.addingTimeInterval(1)) == .expired(at: try #require(old.expiresAt)))

        // Retired: refused from then on, and a second retirement keeps the first date.
        try await store.retireMACKey(id: "mk-new", at: now)
        let retired = try #require(try await store.macKey(id: "mk-new"))
        #expect(!retired.isUsable(at: now) && retired.retiredAt != nil)
        try await store.retireMACKey(id: "mk-new", at: now.addingTimeInterval(100))
        #expect(try await store.macKey(id: "mk-new")?.retiredAt == retired.retiredAt)
        // A retired key cannot be given an end (it would look usable until then).
        await #expect(throws: SettlementStoreError.keyRetired("mk-new")) {
            try await store.expireMACKey(id: "mk-new", at: end)
        }
        await #expect(throws: SettlementStoreError.unknownKey("mk-none")) {
            try await store.retireMACKey(id: "mk-none", at: now)
        }
        await #expect(throws: SettlementStoreError.unknownKey("mk-none")) {
            try await store.expireMACKey(id: "mk-none", at: end)
        }
        // The user's key is untouched.
        #expect(try await store.macKey(id: "uk-1")?.isUsable(at: now) == true)
    }

    @Test(arguments: StoreKind.allCases) func aRevokedCertificateAuthenticatesNobody(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let store = harness.store
        let fingerprint = String(repeating: "ab", count: 32)
        let other = String(repeating: "cd", count: 32)
        try await store.addMerchantCertificate(merchantID: EngineHarness.merchant, fingerprint: fingerprint)
        try await store.addMerchantCertificate(merchantID: EngineHarness.merchant, fingerprint: other)
        #expect(try await store.merchantByCertificateFingerprint(fingerprint)?.id == EngineHarness.merchant)

        // Revoked (given in capitals: fingerprints are compared in lower case).
        let owner = try await store.revokeCertificate(fingerprint: fingerprint.uppercased(), at: Date())
        #expect(owner == .merchant(EngineHarness.merchant))
        #expect(try await store.merchantByCertificateFingerprint(fingerprint) == nil)
        #expect(try await store.merchant(id: EngineHarness.merchant)?.certificateFingerprints == [other])
        // The other certificate still works; the revoked one cannot come back.
        #expect(try await store.merchantByCertificateFingerprint(other)?.id == EngineHarness.merchant)
        await #expect(throws: (any Error).self) {
            try await store.addMerchantCertificate(
                merchantID: EngineHarness.merchant, fingerprint: fingerprint)
        }
        #expect(try await store.merchantByCertificateFingerprint(fingerprint) == nil)
        // Revoking again is no error; an unknown one is.
        #expect(try await store.revokeCertificate(fingerprint: fingerprint, at: Date()) == owner)
        await #expect(throws: SettlementStoreError.unknownCertificate(String(repeating: "ee", count: 32))) {
            _ = try await store.revokeCertificate(fingerprint: String(repeating: "ee", count: 32), at: Date())
        }
    }
}
