/// What a receipt prints of the authorization beside the amount, the approval code and the last
/// four digits: the acquirer's references and the card's brand. Part of the signed result
/// (`PAIRPAY-RESULT-V2`, docs/CANONICAL-ORDER.md §4) whenever the bank was asked.
///
/// JSON: `{"rrn","stan","terminalId","cardBrand"}`.
public struct ReceiptData: Hashable, Sendable, Codable {
    /// Retrieval reference number (ISO 8583 field 37): 12 characters.
    public let rrn: String
    /// System trace audit number (field 11): 6 digits.
    public let stan: String
    /// The acquirer terminal id (field 41), 1–8 characters, without its padding.
    public let terminalId: String
    public let cardBrand: CardBrand

    /// Checks and creates receipt data.
    /// - Throws: ``OrderValidationError`` naming the field to fix.
    public init(
        rrn: String, stan: String, terminalId: String, cardBrand: CardBrand
    ) throws(OrderValidationError) {
        guard rrn.utf8.count == 12, OrderText.isToken(rrn, maxBytes: 12) else {
            throw .invalidField("receipt.rrn", "must be 12 printable ASCII characters")
        }
        guard stan.utf8.count == 6, stan.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidField("receipt.stan", "must be 6 digits")
        }
        guard (1...8).contains(terminalId.utf8.count), terminalId.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .invalidField("receipt.terminalId", "must be 1–8 printable ASCII characters")
        }
        self.rrn = rrn
        self.stan = stan
        self.terminalId = terminalId
        self.cardBrand = cardBrand
    }

    enum CodingKeys: String, CodingKey { case rrn, stan, terminalId, cardBrand }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            rrn: try container.decode(String.self, forKey: .rrn),
            stan: try container.decode(String.self, forKey: .stan),
            terminalId: try container.decode(String.self, forKey: .terminalId),
            cardBrand: try container.decode(CardBrand.self, forKey: .cardBrand))
    }
}

/// A card's brand, told by the first digits of its number (IIN ranges as the networks publish
/// them); `other` for any number none of them claims.
public enum CardBrand: String, Hashable, Sendable, Codable, CaseIterable {
    case visa, mastercard, amex, jcb, discover, diners, unionpay, other

    /// The brand of `pan`.
    public static func of(_ pan: PrimaryAccountNumber) -> CardBrand {
        let digits = Array(pan.digits.utf8).map { Int($0) - 0x30 }
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + $1 } }
        switch (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6)) {
        case (4, _, _, _, _): return .visa
        case (_, 51...55, _, _, _), (_, _, _, 2221...2720, _): return .mastercard
        case (_, 34, _, _, _), (_, 37, _, _, _): return .amex
        case (_, _, _, 3528...3589, _): return .jcb
        case (_, 36, _, _, _), (_, _, 300...305, _, _), (_, 38, _, _, _): return .diners
        case (_, _, _, 6011, _), (_, 65, _, _, _), (_, _, 644...649, _, _): return .discover
        case (_, 62, _, _, _): return .unionpay
        default: return .other
        }
    }
}
