import Foundation
import Settlement
import Synchronization
import Testing

/// The password pool on real threads: bounded, refusing past its queue, never on the caller's.
@Suite struct PasswordWorkersTests {
    /// A gate the jobs wait at, opened by the test.
    final class Gate: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        func wait() { semaphore.wait() }
        func open(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
    }

    /// How many jobs run at once, and the most that ever did.
    final class Peak: Sendable {
        let state = Mutex((now: 0, most: 0))
        func enter() {
            state.withLock {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
        }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
        var now: Int { state.withLock { $0.now } }
    }

    @Test func runsAtMostItsThreadsQueuesItsLimitAndRefusesTheRest() async throws {
        let workers = PasswordWorkers(threads: 2, queueLimit: 3)
        let gate = Gate()
        let peak = Peak()
        let jobs = (0..<5).map { index in
            Task {
                try await workers.run { () -> Int in
                    peak.enter()
                    gate.wait()
                    peak.leave()
                    return index
                }
            }
        }
        // Wait until two run (inside their work) and three wait.
        let deadline = ContinuousClock.now + .seconds(10)
        while workers.load != (2, 3) || peak.now != 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(workers.load == (2, 3))
        await #expect(throws: PasswordWorkersError.saturated) { try await workers.run { 0 } }
        gate.open(5)
        var results: [Int] = []
        for job in jobs { results.append(try await job.value) }
        #expect(results == [0, 1, 2, 3, 4])
        #expect(peak.most == 2)
        #expect(workers.load == (0, 0))
        // Idle again: new work is taken at once.
        #expect(try await workers.run { 42 } == 42)
    }

    @Test func theWorkRunsOnThePoolsOwnThread() async throws {
        // The OS thread's own name, as `top -H` shows it.
        let name = try await PasswordWorkers(threads: 1, queueLimit: 0).run {
            (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        }
        #expect(name.trimmingCharacters(in: .newlines) == PasswordWorkers.threadName)
    }
}
