import Foundation
import Synchronization

/// A clock the test moves, and the waits the agent asked for.
final class TestClock: Sendable {
    private let state = Mutex<(now: Date, sleeps: [Duration], advancePerSleep: Duration)>(
        (Date(timeIntervalSince1970: 1_800_000_000), [], .zero))

    init(advancePerSleep: Duration = .zero) {
        state.withLock { $0.advancePerSleep = advancePerSleep }
    }

    var now: Date { state.withLock { $0.now } }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(_ duration: Duration) {
        state.withLock {
            $0.sleeps.append(duration)
            let seconds = Double($0.advancePerSleep.components.seconds)
            $0.now = $0.now.addingTimeInterval(seconds)
        }
    }
}
