/// What the agent reports while it pays.
public enum PaymentProgress: Hashable, Sendable, CustomStringConvertible {
    /// The payment request is being sent (attempt 1, 2, …).
    case sending(attempt: Int)
    /// The server answered 202: the store's request is not in yet; the agent asks again.
    case waitingForStore(attempt: Int, retryIn: Duration)
    /// The payment code's expiry has passed: one last look before giving up.
    case lastLookAfterExpiry(attempt: Int)

    /// A line for people (payagent writes it to stderr).
    public var description: String {
        switch self {
        case .sending(let attempt):
            return "sending payment (attempt \(attempt))"
        case .waitingForStore(let attempt, let retryIn):
            let milliseconds =
                retryIn.components.seconds * 1000 + retryIn.components.attoseconds / 1_000_000_000_000_000
            return "waiting for the store's order (attempt \(attempt)); asking again in \(milliseconds) ms"
        case .lastLookAfterExpiry(let attempt):
            return "the payment code has expired; asking the server one last time (attempt \(attempt))"
        }
    }
}
