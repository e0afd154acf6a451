import PairPayCore

/// One card account at the simulated issuer, as loaded from the accounts JSON file.
public struct Account: Sendable, Equatable, Decodable {
    /// A short name used in the ledger and logs instead of the card number, e.g. `visa-credit`.
    public let id: String
    /// The card number (Luhn-checked when loaded). Never logged.
    public let pan: String
    /// Expiry month on the card, `YYMM`.
    public let expiry: String
    /// The card security code (CVC2).
    public let cvc: String
    /// ISO 4217 alphabetic code of the account currency, e.g. `JPY`.
    public let currency: String
    /// `credit` (``limit`` is the credit limit) or `debit` (``limit`` is the balance).
    public let kind: Kind
    /// Credit limit or balance, in minor units of ``currency``.
    public let limit: Int64
    /// The largest single authorization allowed, in minor units; above it the answer is 61.
    public let perTransactionLimit: Int64?
    /// A blocked card is answered with 05 (do not honour).
    public let blocked: Bool

    /// What ``limit`` means.
    public enum Kind: String, Sendable, Decodable {
        case credit, debit
    }

    public init(
        id: String, pan: String, expiry: String, cvc: String, currency: String, kind: Kind = .credit,
        limit: Int64, perTransactionLimit: Int64? = nil, blocked: Bool = false
    ) {
        self.id = id
        self.pan = pan
        self.expiry = expiry
        self.cvc = cvc
        self.currency = currency
        self.kind = kind
        self.limit = limit
        self.perTransactionLimit = perTransactionLimit
        self.blocked = blocked
    }

    enum CodingKeys: String, CodingKey {
        case id, pan, expiry, cvc, currency, kind, limit, perTransactionLimit, blocked
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), pan: try c.decode(String.self, forKey: .pan),
            expiry: try c.decode(String.self, forKey: .expiry), cvc: try c.decode(String.self, forKey: .cvc),
            currency: try c.decode(String.self, forKey: .currency),
            kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .credit,
            limit: try c.decode(Int64.self, forKey: .limit),
            perTransactionLimit: try c.decodeIfPresent(Int64.self, forKey: .perTransactionLimit),
            blocked: try c.decodeIfPresent(Bool.self, forKey: .blocked) ?? false)
    }

    /// The card number masked to first 6 / last 4.
    public var maskedPAN: String { PrimaryAccountNumber.mask(pan) }
}
