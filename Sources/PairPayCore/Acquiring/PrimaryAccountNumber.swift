/// A card number (PAN): 12 to 19 digits whose last digit is a valid Luhn check digit.
///
/// Printing one never shows the whole number: ``description`` keeps at most the first 6 and the
/// last 4 digits (`411111******1111`). Use ``digits`` only where the number must go on the wire.
public struct PrimaryAccountNumber: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible
{
    /// The full number. Never log it.
    public let digits: String

    /// Checks and wraps a card number.
    /// - Throws: ``CardDataError`` when `digits` is not 12–19 ASCII digits or fails the Luhn check.
    public init(_ digits: String) throws(CardDataError) {
        guard (12...19).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else {
            throw .panNotDigits(length: digits.count)
        }
        guard Self.passesLuhn(digits) else { throw .panFailsLuhnCheck(masked: Self.mask(digits)) }
        self.digits = digits
    }

    /// At most the first 6 and last 4 digits, the rest as `*`.
    public var description: String { Self.mask(digits) }
    public var debugDescription: String { Self.mask(digits) }

    /// The last four digits, as shown to a cardholder ("card ending 1111").
    public var lastFour: String { String(digits.suffix(4)) }

    /// Whether a digit string passes the Luhn (mod 10) check.
    public static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, byte) in digits.utf8.reversed().enumerated() {
            guard byte >= 0x30 && byte <= 0x39 else { return false }
            var digit = Int(byte - 0x30)
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return !digits.isEmpty && sum % 10 == 0
    }

    /// Masks any digit string to first 6 / last 4 (or fewer when it is short).
    public static func mask(_ digits: String) -> String {
        let characters = Array(digits)
        guard characters.count >= 13 else {
            return String(repeating: "*", count: max(0, characters.count - 4)) + String(characters.suffix(4))
        }
        return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10)
            + String(characters.suffix(4))
    }
}

extension PrimaryAccountNumber: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let digits = try container.decode(String.self)
        do { try self.init(digits) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
