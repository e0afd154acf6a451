import Foundation

/// Merchants' and users' credentials: MAC keys, client-certificate fingerprints, push endpoints,
/// password hashes with lock-out.
public protocol CredentialStore: Sendable {
    /// Creates a merchant. `acquirerMerchantID` (ISO 8583 field 42, ≤ 15 characters) and
    /// `terminalID` (field 41, ≤ 8) default to the merchant id's first 15 characters and the
    /// engine's configured terminal.
    func enrollMerchant(id: String, acquirerMerchantID: String?, terminalID: String?) async throws
    /// Adds a request-MAC key (32 random bytes) under a key id that is unique server-wide.
    func addMerchantMACKey(merchantID: String, keyID: String, key: [UInt8]) async throws
    /// Registers a client certificate by its SHA-256 fingerprint (lowercase hex of the DER); one
    /// enrolled before (revoked or not) is refused.
    func addMerchantCertificate(merchantID: String, fingerprint: String) async throws
    /// Sets (or with nil clears) where results are pushed and the secret that signs them.
    func setPushEndpoint(merchantID: String, url: String?, secret: [UInt8]?) async throws
    /// Sets when the merchant's approved sales are captured.
    /// - Throws: ``SettlementStoreError/unknownOwner(_:)`` for an unknown merchant.
    func setCaptureMode(merchantID: String, mode: CaptureMode) async throws
    /// Adds a register lane to a merchant, or changes the terminal id of one it has.
    /// - Throws: ``SettlementStoreError/unknownOwner(_:)`` for an unknown merchant.
    func enrollLane(merchantID: String, laneID: String, terminalID: String) async throws
    /// Sets (or with nil clears) where a lane's results are pushed and the secret that signs them.
    /// - Throws: ``SettlementStoreError/unknownOwner(_:)`` for an unknown merchant or lane.
    func setLanePushEndpoint(merchantID: String, laneID: String, url: String?, secret: [UInt8]?) async throws
    func merchant(id: String) async throws -> MerchantCredentials?
    func merchantByCertificateFingerprint(_ fingerprint: String) async throws -> MerchantCredentials?

    func enrollUser(id: String) async throws
    /// Adds a user's request-MAC key under a server-wide unique key id.
    func addUserMACKey(userID: String, keyID: String, key: [UInt8]) async throws
    /// Stores a new scrypt hash of `password` and clears failures and lock-out.
    func setUserPassword(userID: String, password: String) async throws
    func addUserCertificate(userID: String, fingerprint: String) async throws
    func user(id: String) async throws -> UserCredentials?
    func userByCertificateFingerprint(_ fingerprint: String) async throws -> UserCredentials?
    /// Checks a password, counting failures: 5 wrong in a row lock the user out for 15 minutes.
    func verifyPassword(userID: String, password: String, now: Date) async throws -> PasswordCheck

    /// Finds whose request-MAC key `keyID` is, whatever its state (the caller checks
    /// ``MACKeyRecord/isUsable(at:)``).
    func macKey(id keyID: String) async throws -> MACKeyRecord?
    /// Every request-MAC key of a merchant or user, in any state, oldest first.
    func macKeys(owner: MACKeyRecord.Owner) async throws -> [MACKeyRecord]
    /// Gives a key an end: requests signed with it are accepted until `date` and refused from
    /// then on (the overlap of a rotation, so that a register or phone can switch in time).
    /// - Throws: ``SettlementStoreError/unknownKey(_:)``; ``SettlementStoreError/keyRetired(_:)``
    ///   for a retired key (which stays retired).
    func expireMACKey(id keyID: String, at date: Date) async throws
    /// Retires a key: requests signed with it are refused from `now`, on every instance (keys
    /// are read from the store on each request, never cached). Retiring a retired key keeps its
    /// first date.
    /// - Throws: ``SettlementStoreError/unknownKey(_:)``.
    func retireMACKey(id keyID: String, at now: Date) async throws
    /// Revokes a client certificate by its SHA-256 fingerprint: from `now` on it authenticates
    /// nobody, on every instance (fingerprints are looked up on every request), although the
    /// CA's signature on it still verifies. It cannot be enrolled again. Revoking it again keeps
    /// the first date. Returns whose it was.
    /// - Throws: ``SettlementStoreError/unknownCertificate(_:)``.
    func revokeCertificate(fingerprint: String, at now: Date) async throws -> MACKeyRecord.Owner
}

/// Replay protection for request MACs.
public protocol NonceStore: Sendable {
    /// Records a nonce; `false` when it was already used under this key id (a replay).
    /// Kept until `expiresAt` (after which the timestamp check refuses the request anyway).
    /// It must survive a crash of the process; it may reach stable storage with the request's
    /// own durable commit rather than by one of its own (a request that commits nothing has
    /// nothing a replay could repeat).
    func recordNonce(_ nonce: String, keyID: String, expiresAt: Date) async throws -> Bool
    /// Forgets nonces that expired before `now`; returns how many.
    func purgeExpiredNonces(now: Date) async throws -> Int
}

/// The outbox of results to push to merchants' endpoints.
public protocol PushOutbox: Sendable {
    /// Queues `body` (a signed result's JSON) for the push endpoint of the order's lane (the
    /// merchant's when `laneID` is nil or not enrolled).
    func enqueueDelivery(
        merchantID: String, laneID: String?, orderID: String, resultID: String, body: Data, now: Date)
        async throws
    /// Claims up to `limit` undelivered pushes whose next attempt is due at `now`, oldest first,
    /// with endpoint and secret: each is due again only at `leaseUntil` (unless an attempt is
    /// recorded first), so instances sharing the outbox push each result once, and one that dies
    /// holding a claim delays that push until the lease ends, never loses it.
    func claimDueDeliveries(now: Date, limit: Int, leaseUntil: Date) async throws -> [PushDelivery]
    /// Records one attempt; a success marks the delivery done, a failure schedules `nextAttemptAt`.
    func recordAttempt(id: Int64, success: Bool, httpStatus: Int?, nextAttemptAt: Date?) async throws
    /// How many pushes are not delivered yet (queued, waiting for a retry, or claimed by a sender).
    func undeliveredCount() async throws -> Int
    /// Every delivery for one order (for tests and operators).
    func deliveries(merchantID: String, orderID: String) async throws -> [PushDelivery]
}

extension PushOutbox {
    /// Queues a push for the merchant's own endpoint (a merchant without lanes).
    public func enqueueDelivery(
        merchantID: String, orderID: String, resultID: String, body: Data, now: Date
    ) async throws {
        try await enqueueDelivery(
            merchantID: merchantID, laneID: nil, orderID: orderID, resultID: resultID, body: body, now: now)
    }
}

/// Ciphertexts of vaulted cards (the key stays outside the database, in ``Vault``).
public protocol VaultStore: Sendable {
    func saveVaultedCard(_ card: VaultedCard) async throws
    func vaultedCard(reference: String) async throws -> VaultedCard?
    /// The user's vaulted cards (reference and last four only: nothing is unsealed), newest first.
    func vaultedCards(userID: String) async throws -> [VaultedCardSummary]
}
