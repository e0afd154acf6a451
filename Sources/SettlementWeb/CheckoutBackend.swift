import Foundation
import PairPayCore
import SettlementHTTP

/// What the checkout pages need of the settlement server: the engine and the credential store in
/// production (`SettlementServer`'s adapter), a fake in unit tests.
public protocol CheckoutBackend: Sendable {
    /// The order as the store registered it, or nil when the server does not know it.
    func checkoutOrder(merchantID: String, orderID: String) async throws -> CheckoutOrder?
    /// The second request, paid as `payer` (a user id, or ``CheckoutRoutes/guestPayer``).
    /// Errors that are ``APIErrorConvertible`` say why it was refused.
    func pay(_ request: SecondSettlementRequest, payer: String) async throws -> SignedSettlementResult?
    /// Checks a user's password (counted, locked out, refused when the pool is full).
    func checkPassword(userID: String, password: String) async throws -> PasswordVerdict
    /// The user's vaulted cards, newest first.
    func vaultedCards(userID: String) async throws -> [VaultedCardChoice]
}

/// An order as the checkout page shows it. No card data but a result's last four digits.
public struct CheckoutOrder: Sendable, Equatable {
    /// Where the order is, for the page.
    public enum Stage: Sendable, Equatable {
        /// The store's request is in; the customer may pay.
        case open
        /// The customer's request came first (not through this page): waiting for the store.
        case waitingForStore
        /// The bank is being asked.
        case authorizing
        /// Decided: the signed result.
        case final(SignedSettlementResult)
    }

    public let merchantID: String
    public let orderID: String
    public let stage: Stage
    /// The store's contents (items), once its request is in.
    public let contents: OrderContents?
    public let expiresAt: Date

    public init(
        merchantID: String, orderID: String, stage: Stage, contents: OrderContents?, expiresAt: Date
    ) {
        self.merchantID = merchantID
        self.orderID = orderID
        self.stage = stage
        self.contents = contents
        self.expiresAt = expiresAt
    }
}

/// A vaulted card a signed-in user may choose: its reference and last four digits.
public struct VaultedCardChoice: Sendable, Equatable {
    public let reference: String
    public let last4: String

    public init(reference: String, last4: String) {
        self.reference = reference
        self.last4 = last4
    }
}
