import Foundation
import Synchronization

/// A small pool of threads of its own for password checks (scrypt: tens of milliseconds of CPU
/// and 32 MiB each), so that a storm of sign-ins never occupies Swift's cooperative pool, where
/// every other request of the server runs. At most ``threads`` checks run at once and at most
/// ``queueLimit`` wait; past that ``run(_:)`` refuses at once with
/// ``PasswordWorkersError/saturated``, which the API answers with 503 and `Retry-After`.
///
/// Threads start when work arrives and end when none is left, so an idle pool holds none.
public final class PasswordWorkers: Sendable {
    /// How many checks run at once.
    public let threads: Int
    /// How many checks may wait for a thread.
    public let queueLimit: Int

    /// A check: runs the work and returns what resumes its caller, which the thread calls once it
    /// has updated ``State``.
    typealias Job = @Sendable () -> @Sendable () -> Void

    struct State {
        var running = 0
        /// Jobs in arrival order; a taken one is set to nil at once, so its closure (which holds a
        /// password) is not kept while the queue stays busy.
        var waiting: [Job?] = []
        var head = 0
        var queued: Int { waiting.count - head }
    }
    let state = Mutex(State())

    /// One thread, 32 waiting: on 2 cores one scrypt at a time leaves the other core to the rest.
    public static let standard = PasswordWorkers(threads: 1, queueLimit: 32)

    /// - Parameters:
    ///   - threads: checks that run at once, at least 1.
    ///   - queueLimit: checks that may wait, at least 0.
    public init(threads: Int, queueLimit: Int) {
        precondition(threads >= 1 && queueLimit >= 0, "PasswordWorkers needs threads ≥ 1 and queueLimit ≥ 0")
        self.threads = threads
        self.queueLimit = queueLimit
    }

    /// Checks running and checks waiting now.
    public var load: (running: Int, queued: Int) {
        state.withLock { ($0.running, $0.queued) }
    }

    /// Runs `work` on one of the pool's threads and returns its result.
    /// - Throws: ``PasswordWorkersError/saturated`` at once when every thread is busy and the
    ///   queue is full; `work` then never runs.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws(PasswordWorkersError) -> T
    {
        let result: Result<T, PasswordWorkersError> = await withCheckedContinuation { continuation in
            // The work runs, then its thread gives up its place (or takes the next job), and
            // only then is the caller resumed: a caller that asks again at once never finds the
            // pool full of work that has already answered.
            let job: Job = {
                let value = work()
                return { continuation.resume(returning: .success(value)) }
            }
            let admitted = state.withLock { state -> Bool? in
                if state.running < threads {
                    state.running += 1
                    return true  // start a thread for it
                }
                guard state.queued < queueLimit else { return nil }
                state.waiting.append(job)
                return false
            }
            switch admitted {
            case true?:
                Thread.detachNewThread { [self] in
                    Self.nameThisThread()
                    drain(startingWith: job)
                }
            case false?:
                break
            case nil:
                continuation.resume(returning: .failure(.saturated))
            }
        }
        return try result.get()
    }

    /// The name `top -H`, `perf` and debuggers show for the pool's threads (at most 15 bytes).
    public static let threadName = "pairpay-passwd"

    /// Names the calling thread. (On Linux, Foundation passes the name to the OS thread only when
    /// a thread names itself.)
    static func nameThisThread() {
        Thread.current.name = threadName
        // The OS thread's own name, whatever Foundation did with the one above.
        if let comm = FileHandle(forWritingAtPath: "/proc/thread-self/comm") {
            comm.write(Data(threadName.utf8))
            try? comm.close()
        }
    }

    /// A thread's life: `job`, then whatever waits, then it ends.
    private func drain(startingWith job: @escaping Job) {
        var next: Job? = job
        while let current = next {
            let resume = current()
            defer { resume() }
            next = state.withLock { state in
                guard state.queued > 0 else {
                    state.running -= 1
                    state.waiting.removeAll(keepingCapacity: true)
                    state.head = 0
                    return nil
                }
                let taken = state.waiting[state.head]
                state.waiting[state.head] = nil
                state.head += 1
                if state.head > 1024 {
                    state.waiting.removeFirst(state.head)
                    state.head = 0
                }
                return taken
            }
        }
    }
}

/// Why a password check was not run.
public enum PasswordWorkersError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every password thread is busy and the queue is full: try again in a moment.
    case saturated

    public var description: String {
        "too many password checks at once: try again in a second, or sign in another way"
    }
}
