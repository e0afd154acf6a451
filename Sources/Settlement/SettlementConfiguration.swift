/// How the settlement engine behaves.
public struct SettlementConfiguration: Sendable {
    /// How long an order waits for its other request when the store does not say, in seconds.
    public var defaultExpirySeconds: Int
    /// The terminal id sent to the acquirer (ISO 8583 field 41, at most 8 characters) when the
    /// merchant has none of its own.
    public var defaultTerminalID: String
    /// How long an order may stay ``OrderState/authorizing`` before any instance takes it over as
    /// abandoned (its instance died) and resolves it, in seconds. Longer than the acquirer's own
    /// take-over deadline (response timeout + grace, 30 s by default), so the bank's answer, or the
    /// acquirer's reversal of an unanswered request, is on record by then.
    public var authorizationDeadlineSeconds: Int

    public init(
        defaultExpirySeconds: Int = 120, defaultTerminalID: String = "PAIRPAY1",
        authorizationDeadlineSeconds: Int = 60
    ) {
        self.defaultExpirySeconds = defaultExpirySeconds
        self.defaultTerminalID = defaultTerminalID
        self.authorizationDeadlineSeconds = authorizationDeadlineSeconds
    }
}
