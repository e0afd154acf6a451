/// Where an order is in its life. JSON uses the kebab-case raw values.
public enum OrderState: String, Hashable, Sendable, Codable, CaseIterable {
    /// The store's request is in; waiting for the customer's phone.
    case awaitingSecond = "awaiting-second"
    /// The phone's request is in; waiting for the store's.
    case awaitingFirst = "awaiting-first"
    /// Both are in and match; the acquirer is being asked. Persisted before the call, so a crash
    /// never leads to a second authorization.
    case authorizing
    /// The order has its signed result.
    case final
}
