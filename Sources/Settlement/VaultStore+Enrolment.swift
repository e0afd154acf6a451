import Crypto
import Foundation
import PairPayCore

/// What enrolment gets back after vaulting a card: the reference and the last four digits only.
public struct VaultedCardSummary: Hashable, Sendable, Codable {
    public let vaultReference: String
    public let cardLast4: String

    public init(vaultReference: String, cardLast4: String) {
        self.vaultReference = vaultReference
        self.cardLast4 = cardLast4
    }
}

extension VaultStore {
    /// Encrypts `card` (without its security code, which is never stored) under `vault`, binds it
    /// to `userID` and stores it under a new random reference.
    public func vaultCard(
        _ card: CardData, userID: String, vault: Vault, now: Date = Date()
    ) async throws
        -> VaultedCardSummary
    {
        let random = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let reference = "vr_" + Hex.encode(random)
        let stripped = CardData(
            primaryAccountNumber: card.primaryAccountNumber, expiry: card.expiry, securityCode: nil)
        let sealed = try vault.seal(
            stripped, context: Vault.vaultContext(userID: userID, reference: reference))
        let last4 = card.primaryAccountNumber.lastFour
        try await saveVaultedCard(
            VaultedCard(reference: reference, userID: userID, sealed: sealed, last4: last4, createdAt: now))
        return VaultedCardSummary(vaultReference: reference, cardLast4: last4)
    }
}
