/// What the phone sends about the card: number, expiry and, for card-not-present, the security code.
public struct CardData: Hashable, Sendable, CustomStringConvertible {
    /// The card number.
    public let primaryAccountNumber: PrimaryAccountNumber
    /// The expiry month.
    public let expiry: CardExpiry
    /// The security code, when the card holder gave one.
    public let securityCode: CardSecurityCode?

    public init(
        primaryAccountNumber: PrimaryAccountNumber, expiry: CardExpiry, securityCode: CardSecurityCode?
    ) {
        self.primaryAccountNumber = primaryAccountNumber
        self.expiry = expiry
        self.securityCode = securityCode
    }

    /// Only the masked number: `card 411111******1111`.
    public var description: String { "card \(primaryAccountNumber)" }
}
