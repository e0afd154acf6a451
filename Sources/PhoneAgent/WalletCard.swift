import PairPayCore

/// A card kept on the phone under a name the customer chose.
///
/// ``description`` shows the name and the last four digits only.
public struct WalletCard: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The name the card is picked by (`--card NAME`).
    public let name: String
    /// Number, expiry and security code.
    public let card: CardData

    /// Creates a wallet card.
    public init(name: String, card: CardData) {
        self.name = name
        self.card = card
    }

    /// The last four digits of the number.
    public var lastFour: String { card.primaryAccountNumber.lastFour }

    /// What is sent to the server for this card.
    public var instrument: PaymentInstrument { .card(card) }

    /// `visa ****1111`.
    public var description: String { "\(name) ****\(lastFour)" }

    public var debugDescription: String { description }

    /// Hides the card data from `dump` and debuggers.
    public var customMirror: Mirror { Mirror(self, children: ["card": description]) }
}
