import Foundation
import PairPayCore
import Settlement
import SettlementHTTP
import SettlementWeb

/// The payment pages' ``CheckoutBackend`` served by the real engine and store: the page's second
/// request goes through ``SettlementEngine/submitSecond(_:userID:)`` like any phone's, and
/// passwords through the same bounded pool and lock-out as the API's.
public struct EngineCheckoutBackend: CheckoutBackend {
    let engine: SettlementEngine
    let store: any SettlementStore
    let credentials: StoreCredentialDirectory

    public init(engine: SettlementEngine, store: any SettlementStore) {
        self.engine = engine
        self.store = store
        self.credentials = StoreCredentialDirectory(store: store)
    }

    public func checkoutOrder(merchantID: String, orderID: String) async throws -> CheckoutOrder? {
        guard let order = try await store.order(merchantID: merchantID, orderID: orderID) else { return nil }
        let stage: CheckoutOrder.Stage
        switch order.state {
        case .awaitingSecond: stage = .open
        case .awaitingFirst: stage = .waitingForStore
        case .authorizing: stage = .authorizing
        case .final:
            guard let result = order.result else { stage = .authorizing; break }
            stage = .final(result)
        }
        return CheckoutOrder(
            merchantID: merchantID, orderID: orderID, stage: stage, contents: order.contents,
            expiresAt: order.expiresAt)
    }

    public func pay(_ request: SecondSettlementRequest, payer: String) async throws -> SignedSettlementResult?
    {
        try await engine.submitSecond(request, userID: payer)
    }

    public func checkPassword(userID: String, password: String) async throws -> PasswordVerdict {
        try await credentials.checkPassword(userID: userID, password: password)
    }

    public func vaultedCards(userID: String) async throws -> [VaultedCardChoice] {
        try await store.vaultedCards(userID: userID).map {
            VaultedCardChoice(reference: $0.vaultReference, last4: $0.cardLast4)
        }
    }
}
