/// The 3- or 4-digit card security code (CVC2/CVV2/CID). Never stored, never printed.
public struct CardSecurityCode: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The digits. Only the ISO 8583 encoder should read them.
    public let digits: String

    /// - Throws: ``CardDataError/invalidSecurityCode`` unless `digits` is 3 or 4 ASCII digits.
    public init(_ digits: String) throws(CardDataError) {
        guard (3...4).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidSecurityCode
        }
        self.digits = digits
    }

    public var description: String { "<cvc redacted>" }
    public var debugDescription: String { description }
}
