/// What came of an authorization, in terms the store and the phone can act on.
public enum AuthorizationOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The issuer holds the amount. Keep the ``Approval`` to reverse or settle later.
    case approved(Approval)
    /// The issuer refused; tell the customer the reason and offer another card.
    case declined(DeclineReason)
    /// The issuer could not be asked right now (ISO 91/96, or the link is down before sending);
    /// nothing was held. Retrying later may succeed.
    case issuerUnavailable
    /// No answer came in time or the link broke after sending, so the outcome is unknown. The
    /// acquirer has reversed the authorization (reversal stored and re-sent until acknowledged),
    /// so nothing stays held. Treat as not paid.
    case reversed(UnknownOutcomeReason)

    public var description: String {
        switch self {
        case .approved(let approval): return "approved (\(approval))"
        case .declined(let reason): return "declined: \(reason)"
        case .issuerUnavailable: return "issuer unavailable"
        case .reversed(let reason): return "outcome unknown (\(reason)), reversed"
        }
    }
}

/// The issuer's approval: what the store prints on the receipt and what identifies the hold.
public struct Approval: Hashable, Sendable, CustomStringConvertible {
    /// The issuer's approval code (ISO 8583 field 38).
    public let approvalCode: String
    /// The retrieval reference number (field 37) that identifies the transaction with the bank.
    public let retrievalReferenceNumber: String
    /// What the acquirer needs to reverse this authorization.
    public let reference: AuthorizationReference

    public init(approvalCode: String, retrievalReferenceNumber: String, reference: AuthorizationReference) {
        self.approvalCode = approvalCode
        self.retrievalReferenceNumber = retrievalReferenceNumber
        self.reference = reference
    }

    public var description: String { "approval code \(approvalCode), RRN \(retrievalReferenceNumber)" }
}

/// Identifies one authorization at the acquirer, so it can be reversed later.
public struct AuthorizationReference: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The acquirer's own identifier for the authorization.
    public let id: Int64

    public init(id: Int64) { self.id = id }

    public var description: String { "authorization #\(id)" }
}

/// Why an issuer declined, mapped from ISO 8583 response codes.
public enum DeclineReason: Hashable, Sendable, CustomStringConvertible {
    /// 51: not enough available credit or balance.
    case insufficientFunds
    /// 54: card expired, or the expiry given does not match the card.
    case expiredCard
    /// 14: no such card at this issuer.
    case invalidCard
    /// N7 (or 82): the security code does not match.
    case incorrectCVC
    /// 05: the issuer declines without saying why.
    case doNotHonour
    /// 61: above the card's per-transaction limit.
    case limitExceeded
    /// Any other decline code, kept so it can be investigated.
    case other(responseCode: String)

    public var description: String {
        switch self {
        case .insufficientFunds: return "insufficient funds"
        case .expiredCard: return "expired card"
        case .invalidCard: return "invalid card number"
        case .incorrectCVC: return "incorrect security code"
        case .doNotHonour: return "do not honour"
        case .limitExceeded: return "amount above the card's limit"
        case .other(let code): return "declined with response code \(code)"
        }
    }
}

/// Why an authorization's outcome is unknown.
public enum UnknownOutcomeReason: Hashable, Sendable, CustomStringConvertible {
    /// The issuer did not answer within the response timeout.
    case timeout
    /// The connection closed after the request was sent.
    case connectionLost
    /// The answer could not be read.
    case unreadableResponse

    public var description: String {
        switch self {
        case .timeout: return "no response in time"
        case .connectionLost: return "connection lost"
        case .unreadableResponse: return "unreadable response"
        }
    }
}
