/// Delays between attempts to reopen a lost device: start small, double, stay under a ceiling.
public struct ReconnectBackoff: Equatable, Sendable {
    public var initial: Duration
    public var maximum: Duration
    private var next: Duration

    /// The protocol's defaults: 100 ms, doubling, at most 5 s (`hw/PROTOCOL.md` §4).
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
        self.next = initial
    }

    /// The delay before the next attempt; each call doubles the one after it.
    public mutating func nextDelay() -> Duration {
        let delay = next
        next = min(next * 2, maximum)
        return delay
    }

    /// Starts again from the initial delay (after a successful open).
    public mutating func reset() { next = initial }
}
