/// A request to hold `amount` on a card for one order at one terminal of one merchant.
public struct AuthorizationRequest: Hashable, Sendable, CustomStringConvertible {
    /// The merchant (card acceptor) as known to the acquirer; sent in ISO 8583 field 42 (max 15 characters).
    public let merchantID: String
    /// The terminal (shop counter) as known to the acquirer; sent in field 41 (max 8 characters).
    public let terminalID: String
    /// The store's order this payment belongs to. Stays with the acquirer; not sent to the bank.
    public let orderID: String
    /// How much to authorize.
    public let amount: Money
    /// The card.
    public let card: CardData

    public init(merchantID: String, terminalID: String, orderID: String, amount: Money, card: CardData) {
        self.merchantID = merchantID
        self.terminalID = terminalID
        self.orderID = orderID
        self.amount = amount
        self.card = card
    }

    public var description: String {
        "authorization of \(amount) for order \(orderID) at \(merchantID)/\(terminalID) on \(card)"
    }
}
