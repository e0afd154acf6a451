/// How the settlement engine behaves.
public struct SettlementConfiguration: Sendable {
    /// How long an order waits for its other request when the store does not say, in seconds.
    public var defaultExpirySeconds: Int
    /// The terminal id sent to the acquirer (ISO 8583 field 41, at most 8 characters) when the
    /// merchant has none of its own.
    public var defaultTerminalID: String

    public init(defaultExpirySeconds: Int = 120, defaultTerminalID: String = "PAIRPAY1") {
        self.defaultExpirySeconds = defaultExpirySeconds
        self.defaultTerminalID = defaultTerminalID
    }
}
