/// How often the agent repeats a payment request the server answered with 202 (the store's
/// request is not in yet): after ``initialDelay``, then doubling up to ``maximumDelay``, until a
/// final answer or the payment code's expiry (and one more look after it).
public struct RetryPolicy: Hashable, Sendable {
    /// The wait before the first repeat.
    public let initialDelay: Duration
    /// The longest wait between two repeats.
    public let maximumDelay: Duration

    /// Creates a policy; `maximumDelay` below `initialDelay` is raised to it.
    public init(initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(2)) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
    }

    /// The wait after `attempt` requests (1-based) were answered 202.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        var step = 1
        while step < attempt, delay < maximumDelay {
            delay *= 2
            step += 1
        }
        return min(delay, maximumDelay)
    }
}
