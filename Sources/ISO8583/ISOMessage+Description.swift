extension ISOMessage: CustomStringConvertible, CustomDebugStringConvertible {
    /// The message for logs: `0100 [2: 411111******1111] [4: 000000001155] [14: <redacted>] ...`.
    ///
    /// Field 2 shows at most the first 6 and last 4 digits; fields 14 (expiry) and 48 (card security
    /// code) are never shown.
    public var description: String {
        var parts = [mti.rawValue]
        for entry in presentEntries {
            parts.append("[\(entry.field.rawValue): \(ISOMessage.printable(entry.field, entry.value))]")
        }
        return parts.joined(separator: " ")
    }

    public var debugDescription: String { description }

    /// A field's value as it may appear in a log.
    public static func printable(_ field: ISOField, _ value: String) -> String {
        switch field {
        case .primaryAccountNumber: return maskedPAN(value)
        case .expirationDate, .additionalDataPrivate: return "<redacted>"
        default: return value
        }
    }

    /// A card number cut to the first 6 and last 4 characters, e.g. `411111******1111`.
    /// Numbers shorter than 13 characters show only their last 4 (or nothing when shorter than 8).
    public static func maskedPAN(_ pan: String) -> String {
        let characters = Array(pan)
        if characters.count >= 13 {
            return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10)
                + String(characters.suffix(4))
        }
        if characters.count >= 8 {
            return String(repeating: "*", count: characters.count - 4) + String(characters.suffix(4))
        }
        return String(repeating: "*", count: characters.count)
    }
}
