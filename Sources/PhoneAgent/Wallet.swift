import Foundation
import PairPayCore

/// The cards kept on the phone, from a wallet file:
/// `{"cards":[{"name":"visa","pan":"4111111111111111","expiry":"3012","cvc":"123"}]}`
/// (`expiry` is `YYMM`, `cvc` optional). The file must be mode 0600 or stricter.
///
/// Nothing here ever shows more of a card number than its last four digits.
public struct Wallet: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    /// The cards, in file order.
    public let cards: [WalletCard]

    /// Creates a wallet; `cards` must not be empty and names must be unique.
    /// - Throws: ``PhoneAgentError/invalidWallet(path:problem:)``.
    public init(cards: [WalletCard], source: String = "wallet") throws(PhoneAgentError) {
        guard !cards.isEmpty else { throw .invalidWallet(path: source, problem: "it holds no cards") }
        var seen = Set<String>()
        for card in cards where !seen.insert(card.name).inserted {
            throw .invalidWallet(path: source, problem: "two cards are named \(card.name)")
        }
        self.cards = cards
    }

    /// Reads a wallet file after checking its mode.
    /// - Throws: ``PhoneAgentError`` saying what to fix (`chmod 600`, the JSON, a card).
    public static func load(path: String) throws(PhoneAgentError) -> Wallet {
        try Wallet(json: try SecretFile.read(path), source: path)
    }

    /// Reads the wallet JSON. Errors name the field, never a card number.
    /// - Throws: ``PhoneAgentError/invalidWallet(path:problem:)`` or
    ///   ``PhoneAgentError/invalidCard(name:_:)``.
    public init(json: Data, source: String = "wallet") throws(PhoneAgentError) {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch DecodingError.keyNotFound(let key, let context) {
            throw .invalidWallet(
                path: source, problem: "\(Self.path(context.codingPath + [key])) is missing")
        } catch DecodingError.typeMismatch(_, let context) {
            throw .invalidWallet(path: source, problem: "\(Self.path(context.codingPath)) has the wrong type")
        } catch {
            throw .invalidWallet(
                path: source,
                problem:
                    #"it is not JSON of the form {"cards":[{"name":"visa","pan":"…","expiry":"YYMM","cvc":"123"}]}"#
            )
        }
        var cards: [WalletCard] = []
        for entry in file.cards {
            guard !entry.name.isEmpty, entry.name.count <= 64 else {
                throw .invalidWallet(path: source, problem: "a card has an empty or too long name")
            }
            do {
                let card = CardData(
                    primaryAccountNumber: try PrimaryAccountNumber(entry.pan),
                    expiry: try CardExpiry(yymm: entry.expiry),
                    securityCode: try entry.cvc.map { cvc throws(CardDataError) in try CardSecurityCode(cvc) }
                )
                cards.append(WalletCard(name: entry.name, card: card))
            } catch {
                throw .invalidCard(name: entry.name, error)
            }
        }
        try self.init(cards: cards, source: source)
    }

    /// The card named `name`, or the first card when `name` is nil.
    /// - Throws: ``PhoneAgentError/cardNotFound(_:available:)``.
    public func card(named name: String?) throws(PhoneAgentError) -> WalletCard {
        guard let name else { return cards[0] }
        guard let card = cards.first(where: { $0.name == name }) else {
            throw .cardNotFound(name, available: cards.map(\.name))
        }
        return card
    }

    /// `wallet with visa ****1111, amex ****0005`.
    public var description: String { "wallet with " + cards.map(\.description).joined(separator: ", ") }

    /// Hides the card data from `dump` and debuggers.
    public var customMirror: Mirror { Mirror(self, children: ["cards": description]) }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }

    /// The file's JSON.
    struct File: Decodable {
        struct Entry: Decodable {
            let name: String
            let pan: String
            let expiry: String
            let cvc: String?
        }
        let cards: [Entry]
    }
}
