import Synchronization

/// A one-shot gate between services that start together: one opens it, with whether to go on,
/// and every waiter, before or after, gets that answer. registerd's transactions and link wait on
/// one until the gateway's listeners are bound.
public final class StartGate: Sendable {
    private enum State {
        case closed([CheckedContinuation<Bool, Never>])
        case opened(Bool)
    }

    private let state = Mutex(State.closed([]))

    public init() {}

    /// Opens the gate; `proceed` false tells waiters not to start. Later calls are ignored.
    public func open(proceed: Bool) {
        let waiters: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            guard case .closed(let waiting) = state else { return [] }
            state = .opened(proceed)
            return waiting
        }
        for waiter in waiters { waiter.resume(returning: proceed) }
    }

    /// Waits until the gate is opened and returns whether to start.
    public func wait() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer: Bool? = state.withLock { state in
                switch state {
                case .opened(let proceed): return proceed
                case .closed(var waiting):
                    waiting.append(continuation)
                    state = .closed(waiting)
                    return nil
                }
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }
}
