/// A card's expiry month, as printed on the card (`MM/YY`) and sent in ISO 8583 field 14 (`YYMM`).
///
/// Its ``description`` is redacted: expiry dates are card data and stay out of logs.
public struct CardExpiry: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Two-digit year, 0–99.
    public let year: Int
    /// Month, 1–12.
    public let month: Int

    /// - Throws: ``CardDataError/invalidExpiry`` for a year outside 0–99 or a month outside 1–12.
    public init(year: Int, month: Int) throws(CardDataError) {
        guard (0...99).contains(year), (1...12).contains(month) else { throw .invalidExpiry }
        self.year = year
        self.month = month
    }

    /// Parses `YYMM`.
    /// - Throws: ``CardDataError/invalidExpiry`` when it is not four digits with a valid month.
    public init(yymm: String) throws(CardDataError) {
        guard yymm.utf8.count == 4, let value = Int(yymm), yymm.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { throw .invalidExpiry }
        try self.init(year: value / 100, month: value % 100)
    }

    /// `YYMM`, as ISO 8583 field 14 carries it.
    public var yymm: String {
        (year < 10 ? "0" : "") + String(year) + (month < 10 ? "0" : "") + String(month)
    }

    public var description: String { "<expiry redacted>" }
    public var debugDescription: String { description }
}
