import GRDB
import Synchronization

/// Commits the writes of concurrent callers together: one transaction and one fsync for every
/// write that arrived while the previous group was being committed.
///
/// Each write runs in a savepoint of its own inside the group's transaction, one after another on
/// GRDB's queue (never on Swift's cooperative pool), so it behaves as a transaction of its own
/// would: it sees every write before it, and an error it throws rolls back its own changes and no
/// other write's. Its `write` returns only after the group's transaction is committed, at
/// `synchronous=FULL` unless every write of the group asked for less, so a caller told "written"
/// has its write on disk exactly as without grouping; what the callers share is the fsync. If the
/// commit itself fails, every write of the group fails and nothing of it is stored.
///
/// With one caller at a time a group holds one write, so nothing waits for company: the next
/// group starts the moment the previous one is committed, with whatever arrived meanwhile.
///
/// A write's task is never cancelled halfway: the body runs to its end whatever happens to the
/// caller, because a money write must not fail because the request that asked for it went away.
///
/// A body shares its transaction with others, so it must not end it (no BEGIN, COMMIT or ROLLBACK
/// of its own) and must not catch a database error and carry on (SQLite may have rolled the whole
/// transaction back). A body that ends the transaction fails its whole group with
/// ``GroupCommitError/transactionEndedByWrite``.
public final class GroupCommitWriter: Sendable {
    /// What a write needs from the disk before its caller is told it is written.
    public enum Durability: Sendable {
        /// Flushed by the group's own fsync (`synchronous=FULL`).
        case full
        /// Committed at `synchronous=NORMAL`: written to the WAL, so it survives `kill -9`, and
        /// carried to the disk by the next durable commit on the database, which fsyncs the WAL
        /// and with it everything appended before. Only for rows whose loss on power failure is
        /// harmless unless a later commit is lost too: a request's nonce, whose request either
        /// wrote something durable after it (and the nonce went to disk with that) or wrote
        /// nothing (and a replay of it does nothing new). Never for money state. A group holding
        /// any `full` write is committed at FULL; `synchronous` is FULL again after every group.
        case carriedByNextDurableCommit
    }

    /// How many writes and commits the writer has made, for benchmarks and tests.
    public struct Statistics: Sendable, Equatable {
        /// Writes whose group committed (a write whose own body failed counts too).
        public var writes = 0
        /// Transactions committed.
        public var commits = 0
        /// The most writes one commit carried.
        public var largestGroup = 0

        /// Figures as counted (for comparing with a writer's ``GroupCommitWriter/statistics``).
        public init(writes: Int = 0, commits: Int = 0, largestGroup: Int = 0) {
            self.writes = writes
            self.commits = commits
            self.largestGroup = largestGroup
        }
    }

    /// A write waiting for its group, type-erased.
    struct Job: Sendable {
        let durability: Durability
        /// Runs the body in its savepoint and keeps its outcome. Throws only when the group's
        /// transaction is broken (see ``GroupCommitWriter/runInSavepoint(_:_:)``).
        let run: @Sendable (Database) throws -> Void
        /// Resumes the caller once its group is committed (nil) or has failed (the error).
        let complete: @Sendable ((any Error)?) -> Void
    }

    struct Pending {
        var jobs: [Job] = []
        var draining = false
    }

    /// The database the writer commits to; read from it directly.
    public let database: DatabaseQueue
    /// The most writes one transaction takes; the rest wait for the next.
    public let maximumGroup: Int
    private let pending = Mutex(Pending())
    private let counts = Mutex(Statistics())

    /// - Parameters:
    ///   - database: a database opened by ``DurableDatabase/open(path:migrator:)``.
    ///   - maximumGroup: the most writes one transaction takes, so that one commit never holds
    ///     the queue (and the reads behind it) for long.
    public init(database: DatabaseQueue, maximumGroup: Int = 64) {
        precondition(maximumGroup >= 1, "a group holds at least one write")
        self.database = database
        self.maximumGroup = maximumGroup
    }

    /// What the writer has done so far.
    public var statistics: Statistics { counts.withLock { $0 } }

    /// Writes waiting for a group (not counting the group being committed).
    public var waiting: Int { pending.withLock { $0.jobs.count } }

    /// Runs `body` in the next group's transaction and returns its value once that transaction is
    /// committed.
    /// - Throws: the error `body` threw (its changes rolled back, the group's others kept), or the
    ///   commit's error (nothing of the group stored).
    public func write<T: Sendable>(
        _ durability: Durability = .full, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = Outcome<T>()
            let job = Job(
                durability: durability,
                run: { db in outcome.value = try Self.runInSavepoint(db, body) },
                complete: { failure in
                    switch (outcome.value, failure) {
                    case (.failure(let own)?, _): continuation.resume(throwing: own)
                    case (_, let failure?): continuation.resume(throwing: failure)
                    case (.success(let value)?, nil): continuation.resume(returning: value)
                    case (nil, nil): continuation.resume(throwing: GroupCommitError.notRun)
                    }
                })
            let startsGroup = pending.withLock { state in
                state.jobs.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startsGroup { scheduleGroup() }
        }
    }

    private func scheduleGroup() {
        database.asyncWriteWithoutTransaction { [self] db in commitGroup(db) }
    }

    /// Takes what is waiting, commits it as one transaction, tells every caller, and schedules the
    /// next group if more arrived meanwhile.
    private func commitGroup(_ db: Database) {
        let jobs = pending.withLock { state in
            let taken = Array(state.jobs.prefix(maximumGroup))
            state.jobs.removeFirst(taken.count)
            return taken
        }
        let full = jobs.contains { $0.durability == .full }
        var failure: (any Error)?
        do {
            if !full { try db.executeCached(sql: "PRAGMA synchronous = NORMAL") }
            defer { if !full { DurableDatabase.restoreFull(db) } }
            try db.executeCached(sql: "BEGIN IMMEDIATE TRANSACTION")
            do {
                for job in jobs { try job.run(db) }
                try db.executeCached(sql: "COMMIT TRANSACTION")
            } catch {
                failure = error
                if db.isInsideTransaction { try? db.rollback() }
            }
        } catch {
            failure = error
        }
        counts.withLock { counts in
            guard failure == nil else { return }
            counts.writes += jobs.count
            counts.commits += 1
            counts.largestGroup = max(counts.largestGroup, jobs.count)
        }
        for job in jobs { job.complete(failure) }
        let more = pending.withLock { state in
            if state.jobs.isEmpty { state.draining = false }
            return state.draining
        }
        if more { scheduleGroup() }
    }

    /// `body` in a savepoint: released when it returns, rolled back when it throws (its error is
    /// the outcome). Throws only when the group's transaction is gone or broken: `body` ended it
    /// (``GroupCommitError/transactionEndedByWrite``), or the rollback failed because SQLite ended
    /// it (a full disk, an I/O error). Then the group cannot commit.
    static func runInSavepoint<T>(
        _ db: Database, _ body: (Database) throws -> T
    ) throws -> Result<T, any Error> {
        try db.executeCached(sql: "SAVEPOINT group_write")
        do {
            let value = try body(db)
            guard db.isInsideTransaction else { throw GroupCommitError.transactionEndedByWrite }
            try db.executeCached(sql: "RELEASE SAVEPOINT group_write")
            return .success(value)
        } catch {
            guard db.isInsideTransaction else { throw GroupCommitError.transactionEndedByWrite }
            try db.executeCached(sql: "ROLLBACK TRANSACTION TO SAVEPOINT group_write")
            try db.executeCached(sql: "RELEASE SAVEPOINT group_write")
            return .failure(error)
        }
    }
}

/// One write's outcome, set on GRDB's queue by its group and read there when the group is done.
final class Outcome<T>: @unchecked Sendable {
    // @unchecked: written and read only inside one group's commit, on GRDB's serial queue.
    var value: Result<T, any Error>?
}

/// Why a grouped write did not run.
public enum GroupCommitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The group's transaction ended before this write's turn: see the log for the group's error.
    case notRun
    /// A write ended the transaction it shared (its own COMMIT or ROLLBACK, or SQLite rolled it
    /// back on a full disk or an I/O error): the group fails, its writes are not reported written.
    case transactionEndedByWrite

    public var description: String {
        switch self {
        case .notRun: "the write's group failed before it ran: retry the request"
        case .transactionEndedByWrite:
            "a write ended the transaction it shared with others (or SQLite rolled it back: check the disk); the group's writes failed, retry"
        }
    }
}
