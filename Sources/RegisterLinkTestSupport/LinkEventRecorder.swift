import RegisterLink
import RegisterProtocol
import Synchronization

/// Collects a ``SerialLink``'s events in the background so a test can wait for one.
public final class LinkEventRecorder: Sendable {
    private final class Store: Sendable {
        let events = Mutex<[SerialLinkEvent]>([])
    }

    private let store = Store()
    private let task: Task<Void, Never>

    public init(_ link: SerialLink) {
        let store = self.store
        task = Task {
            for await event in link.events { store.events.withLock { $0.append(event) } }
        }
    }

    deinit { task.cancel() }

    /// Every event so far.
    public var all: [SerialLinkEvent] { store.events.withLock { $0 } }

    /// Waits until an event matching `predicate` has been recorded (after `index`, if given).
    @discardableResult
    public func wait(
        for description: String, within timeout: Duration = .seconds(20), after index: Int = 0,
        _ predicate: (SerialLinkEvent) -> Bool
    ) async throws -> SerialLinkEvent {
        let deadline = ContinuousClock.now + timeout
        while true {  // look once more after the deadline: a starved test must not miss an event
            let snapshot = all
            if index < snapshot.count, let found = snapshot[index...].first(where: predicate) { return found }
            if ContinuousClock.now >= deadline { throw FakeRegisterError.timedOut(waitingFor: description) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Every frame received from the register so far.
    public var receivedFrames: [Frame] {
        all.compactMap { if case .received(let frame) = $0 { frame } else { nil } }
    }
}
