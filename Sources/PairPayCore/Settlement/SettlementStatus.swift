/// How an order ended.
public enum SettlementStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// The issuer holds the money: the store may hand over the goods.
    case approved
    /// Not paid: see the reason.
    case declined
    /// Not paid: the second request did not come in time.
    case expired
    /// Not paid, or paid and given back: the store cancelled.
    case cancelled
}

/// Why an order ended as it did. JSON uses the kebab-case raw values.
public enum SettlementReason: String, Hashable, Sendable, Codable, CaseIterable {
    case approved
    case declined
    case insufficientFunds = "insufficient-funds"
    case expiredCard = "expired-card"
    case invalidCard = "invalid-card"
    case incorrectCVC = "incorrect-cvc"
    case limitExceeded = "limit-exceeded"
    case issuerUnavailable = "issuer-unavailable"
    /// The store's and the phone's orders differ; the card was never charged.
    case mismatch
    case expired
    case cancelled
    /// The authorization was released again (cancel after approval, or an unknown outcome).
    case reversed
    case internalError = "internal-error"
}
