/// Why card data was refused before it was sent anywhere. Descriptions never contain card data.
public enum CardDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The card number is not 12–19 digits.
    case panNotDigits(length: Int)
    /// The card number's check digit is wrong: most likely a typing error.
    case panFailsLuhnCheck(masked: String)
    /// The expiry is not `YYMM` with a month 01–12.
    case invalidExpiry
    /// The card security code is not 3 or 4 digits.
    case invalidSecurityCode

    public var description: String {
        switch self {
        case .panNotDigits(let length):
            return "card number must be 12 to 19 digits, got \(length) characters"
        case .panFailsLuhnCheck(let masked):
            return "card number \(masked) fails the Luhn check: ask the customer to re-enter it"
        case .invalidExpiry:
            return "card expiry must be YYMM with a month from 01 to 12"
        case .invalidSecurityCode:
            return "card security code must be 3 or 4 digits"
        }
    }
}
