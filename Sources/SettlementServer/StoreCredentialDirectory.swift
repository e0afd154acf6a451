import Foundation
import Settlement
import SettlementHTTP

/// The HTTP layer's ``CredentialDirectory`` over the engine's store: usable MAC keys by key id
/// (with their owner), client-certificate fingerprints, scrypt passwords with lock-out, and nonces.
public struct StoreCredentialDirectory: CredentialDirectory {
    let store: any CredentialStore & NonceStore
    let now: @Sendable () -> Date

    public init(store: any CredentialStore & NonceStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    /// A retired or expired key is as good as unknown: read from the store on every request, so a
    /// key retired on one instance is refused by all at once.
    public func merchantMACKey(keyID: String) async throws -> (merchantID: String, key: [UInt8])? {
        guard let record = try await store.macKey(id: keyID), case .merchant(let id) = record.owner,
            record.isUsable(at: now())
        else { return nil }
        return (id, record.key)
    }

    public func userMACKey(keyID: String) async throws -> (userID: String, key: [UInt8])? {
        guard let record = try await store.macKey(id: keyID), case .user(let id) = record.owner,
            record.isUsable(at: now())
        else { return nil }
        return (id, record.key)
    }

    public func merchantID(certificateFingerprint: String) async throws -> String? {
        try await store.merchantByCertificateFingerprint(certificateFingerprint)?.id
    }

    public func userID(certificateFingerprint: String) async throws -> String? {
        try await store.userByCertificateFingerprint(certificateFingerprint)?.id
    }

    public func checkPassword(userID: String, password: String) async throws -> PasswordVerdict {
        switch try await store.verifyPassword(userID: userID, password: password, now: now()) {
        case .ok: .accepted
        case .wrong: .rejected
        case .locked(let until): .locked(until: until)
        case .busy: .busy(retryAfterSeconds: 1)
        }
    }

    /// Nonces are kept for twice the clock window after their timestamp: by then the timestamp
    /// check refuses the request anyway.
    public func useNonce(_ nonce: String, scope: String, timestamp: Int64) async throws -> Bool {
        let expiresAt = Date(
            timeIntervalSince1970: TimeInterval(timestamp + 2 * RequestSignature.clockWindow))
        return try await store.recordNonce(nonce, keyID: scope, expiresAt: expiresAt)
    }
}
