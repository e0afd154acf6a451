import Synchronization

/// Wakes the push sender the moment a result is queued for delivery, so a result reaches its
/// store without waiting for the next poll. The poll stays: it retries failed deliveries when
/// they are due, and picks up results other instances queued.
///
/// One waiter at a time (the sender's loop). A ring while nobody waits is kept, so the next wait
/// returns at once: a result queued while the sender was busy delivering is never left for the poll.
public final class PushDoorbell: Sendable {
    private struct State {
        var rung = false
        /// The waiting loop's continuation and the number of its wait.
        var waiter: (wait: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var waits: UInt64 = 0
        /// The wait whose task was cancelled before it could store its continuation.
        var cancelledWait: UInt64?
    }

    private let state = Mutex(State())

    public init() {}

    /// Rings: the waiting sender wakes now, or its next wait returns at once.
    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when rung (at once if rung since the last wait), after `timeout`, or when the
    /// calling task is cancelled.
    public func wait(upTo timeout: Duration) async {
        let rung = state.withLock { state in
            defer { state.rung = false }
            return state.rung
        }
        if rung { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForRing() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        let wait = state.withLock { state in
            state.waits += 1
            return state.waits
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.rung || state.cancelledWait == wait {
                        state.rung = false
                        return true
                    }
                    state.waiter = (wait, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter, waiter.wait == wait else {
                    state.cancelledWait = wait
                    return nil
                }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
