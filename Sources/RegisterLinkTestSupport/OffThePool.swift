import Foundation

/// Runs `body`, which blocks (a pipe read to its end, a wait for a line of a process's output), on
/// a thread of its own instead of Swift's cooperative pool, and returns its value.
///
/// The pool has one thread per core: on a 2-core CI machine two tests blocking there (each
/// reading a daemon's output until it starts) stop every other task of the test process, so
/// another test's timers, fake register and sales stall for as long as the daemons take.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
