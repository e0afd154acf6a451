/// How the customer pays: a card typed or read on the phone, or a card vaulted on the server.
///
/// JSON: `{"card": {"pan": "4111…", "expiry": "YYMM", "cvc": "123"}}` or `{"vaultReference": "vr_…"}`.
/// ``description`` never shows more than the masked card number.
public enum PaymentInstrument: Hashable, Sendable, CustomStringConvertible {
    /// Card data sent with the request. The security code is optional.
    case card(CardData)
    /// A reference to a card in the server's vault, valid only for the user who vaulted it.
    case vaultReference(String)

    public var description: String {
        switch self {
        case .card(let card): return card.description
        case .vaultReference(let reference): return "vaulted card \(reference)"
        }
    }
}

extension PaymentInstrument: Codable {
    enum CodingKeys: String, CodingKey { case card, vaultReference }
    enum CardKeys: String, CodingKey { case pan, expiry, cvc }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let hasCard = container.contains(.card)
        let hasReference = container.contains(.vaultReference)
        guard hasCard != hasReference else {
            throw OrderValidationError.invalidField(
                "payment", "must hold exactly one of \"card\" or \"vaultReference\"")
        }
        if hasReference {
            let reference = try container.decode(String.self, forKey: .vaultReference)
            guard OrderText.isToken(reference, maxBytes: 64) else {
                throw OrderValidationError.invalidField(
                    "payment.vaultReference", "must be the 1–64 character reference the vault returned")
            }
            self = .vaultReference(reference)
            return
        }
        let card = try container.nestedContainer(keyedBy: CardKeys.self, forKey: .card)
        let pan = try card.decode(String.self, forKey: .pan)
        let expiry = try card.decode(String.self, forKey: .expiry)
        let cvc = try card.decodeIfPresent(String.self, forKey: .cvc)
        do {
            self = .card(
                CardData(
                    primaryAccountNumber: try PrimaryAccountNumber(pan), expiry: try CardExpiry(yymm: expiry),
                    securityCode: try cvc.map { cvc throws(CardDataError) in try CardSecurityCode(cvc) }))
        } catch {
            throw OrderValidationError.invalidCard(error)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .vaultReference(let reference):
            try container.encode(reference, forKey: .vaultReference)
        case .card(let data):
            var card = container.nestedContainer(keyedBy: CardKeys.self, forKey: .card)
            try card.encode(data.primaryAccountNumber.digits, forKey: .pan)
            try card.encode(data.expiry.yymm, forKey: .expiry)
            try card.encodeIfPresent(data.securityCode?.digits, forKey: .cvc)
        }
    }
}
