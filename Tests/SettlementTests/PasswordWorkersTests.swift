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

/// Checks queued together cannot get past, or lift, the lock-out one of them sets (found in review:
/// the lock was read only before a check joined the queue).
@Suite struct PasswordLockOutRaceTests {
    @Test func aRightPasswordQueuedBehindTheFifthWrongOneIsLockedOut() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lockout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let workers = PasswordWorkers(threads: 1, queueLimit: 32)
        let store = try SQLiteSettlementStore(
            path: directory.appendingPathComponent("s.sqlite").path, passwordHasher: .standard,
            passwordWorkers: workers)
        try await store.enrollUser(id: "bob")
        try await store.setUserPassword(userID: "bob", password: "right")
        let now = Date()
        let wrong = (0..<6).map { index in
            Task { try await store.verifyPassword(userID: "bob", password: "wrong \(index)", now: now) }
        }
        // All six wrong ones are admitted (the pool has one thread) before the right one.
        let deadline = ContinuousClock.now + .seconds(10)
        while workers.load.running + workers.load.queued < 6, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        let right = try await store.verifyPassword(userID: "bob", password: "right", now: now)
        var verdicts: [PasswordCheck] = []
        for task in wrong { verdicts.append(try await task.value) }
        #expect(verdicts.filter { if case .locked = $0 { true } else { false } }.count >= 2)
        guard case .locked = right else {
            Issue.record("the right password got \(right) past a lock-out set while it waited")
            return
        }
        // And the lock stands.
        guard case .locked = try await store.verifyPassword(userID: "bob", password: "right", now: now) else {
            Issue.record("the lock-out was lifted")
            return
        }
    }
}
