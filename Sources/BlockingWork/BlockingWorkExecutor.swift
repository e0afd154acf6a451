import Dispatch

/// A serial executor on a dispatch queue of its own, for an actor whose methods do blocking work
/// (synchronous SQLite writes with fsync) that must not run on Swift's cooperative pool.
///
/// An actor adopts it with
/// `nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }`:
/// its code then runs on this queue, one job at a time as any actor's, and a journal write that
/// waits for the disk holds up only that actor, never the threads every other task shares.
public final class BlockingWorkExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only state is the dispatch queue, which is thread-safe.
    /// The queue the actor's jobs run on.
    public let queue: DispatchQueue

    /// - Parameter label: the queue's name, as debuggers and `perf` show it.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
