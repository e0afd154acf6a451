/// The link from the settlement server to the card networks: asks the issuer to hold money and
/// to release it again.
///
/// Implementations must be safe to call concurrently and must never leave a hold behind that the
/// caller was not told about: when the outcome of ``authorize(_:)`` is unknown they reverse it
/// themselves and report ``AuthorizationOutcome/reversed(_:)``.
public protocol Acquirer: Sendable {
    /// Asks the issuer to hold `request.amount` on the card.
    /// - Throws: only for programming errors (for example a terminal ID too long for ISO 8583)
    ///   or a broken local store; issuer answers, timeouts and link failures are outcomes.
    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome

    /// Releases an approved authorization, for example when the order is cancelled.
    /// The reversal is stored before sending and re-sent until the issuer acknowledges it.
    func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome

    /// The references of an authorization for the receipt (RRN, STAN, terminal), if known.
    func receiptReferences(of authorization: AuthorizationReference) async -> AuthorizationReceipt?
}

extension Acquirer {
    /// An acquirer that keeps no references: none.
    public func receiptReferences(of authorization: AuthorizationReference) async -> AuthorizationReceipt? {
        nil
    }
}

/// An authorization's references as the acquirer sent it (ISO 8583 fields 37, 11, 41).
public struct AuthorizationReceipt: Hashable, Sendable {
    public let rrn: String
    public let stan: String
    /// Field 41 without its padding.
    public let terminalID: String

    public init(rrn: String, stan: String, terminalID: String) {
        self.rrn = rrn
        self.stan = stan
        self.terminalID = terminalID
    }
}

/// A request to release an earlier approved authorization in full.
public struct ReversalRequest: Hashable, Sendable {
    /// The authorization to release, from its ``Approval``.
    public let authorization: AuthorizationReference
    /// Why it is being released.
    public let reason: ReversalReason

    public init(authorization: AuthorizationReference, reason: ReversalReason) {
        self.authorization = authorization
        self.reason = reason
    }
}

/// Why an authorization is being reversed.
public enum ReversalReason: String, Hashable, Sendable {
    /// The customer or the store cancelled the order.
    case cancelled
    /// The authorization's outcome is unknown (timeout, lost connection).
    case outcomeUnknown
}

/// What came of a reversal request.
public enum ReversalOutcome: Hashable, Sendable {
    /// The issuer acknowledged the reversal; the hold is released.
    case acknowledged
    /// The reversal is stored and will be re-sent until the issuer acknowledges it.
    case queued
    /// Nothing was reversed: the authorization is captured (posted), so only a refund
    /// (``PostSaleAcquirer/refund(_:key:amount:)``) gives the money back.
    case captured
}
