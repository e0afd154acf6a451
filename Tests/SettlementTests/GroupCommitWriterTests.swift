import DurableSQLite
import Foundation
import GRDB
import Synchronization
import Testing

/// Group commit on a real SQLite file: concurrent writes share a transaction and its fsync, and
/// each still behaves as a transaction of its own.
@Suite struct GroupCommitWriterTests {
    struct Refused: Error, Equatable {}

    func temporaryWriter(maximumGroup: Int = 64) throws -> GroupCommitWriter {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("group-commit-\(UUID().uuidString).sqlite").path
        let database = try DurableDatabase.open(path: path)
        try database.write { db in try db.execute(sql: "CREATE TABLE t (v TEXT NOT NULL)") }
        return GroupCommitWriter(database: database, maximumGroup: maximumGroup)
    }

    func values(_ writer: GroupCommitWriter) async throws -> [String] {
        try await writer.database.read { db in try String.fetchAll(db, sql: "SELECT v FROM t ORDER BY v") }
    }

    /// Holds GRDB's queue inside a first write until `count` more writes are waiting, so the test
    /// knows exactly which writes form the next group. Returns the first write's task.
    func holdQueue(
        _ writer: GroupCommitWriter, untilWaiting count: Int
    ) async throws -> Task<Void, any Error> {
        let inside = Mutex(false)
        let first = Task {
            try await writer.write { db in
                inside.withLock { $0 = true }
                // On GRDB's queue, not the cooperative pool: the other writes can queue meanwhile.
                while writer.waiting < count { usleep(500) }
                try db.execute(sql: "INSERT INTO t (v) VALUES ('first')")
            }
        }
        while !inside.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        return first
    }

    /// `count` inserts queued while a first write holds the queue, then all of them finished.
    func insertBehindAHeldQueue(_ writer: GroupCommitWriter, count: Int) async throws {
        let first = try await holdQueue(writer, untilWaiting: count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await writer.write { db in
                        try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["w\(index)"])
                    }
                }
            }
            try await first.value
            try await group.waitForAll()
        }
    }

    @Test func writesThatArriveDuringACommitShareTheNextOne() async throws {
        let writer = try temporaryWriter()
        try await insertBehindAHeldQueue(writer, count: 50)
        #expect(try await values(writer).count == 51)
        #expect(writer.statistics == .init(writes: 51, commits: 2, largestGroup: 50))
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)
    }

    @Test func aGroupTakesNoMoreThanItsMaximum() async throws {
        let writer = try temporaryWriter(maximumGroup: 4)
        try await insertBehindAHeldQueue(writer, count: 10)
        #expect(writer.statistics == .init(writes: 11, commits: 4, largestGroup: 4))
    }

    /// The second of three writes in one group throws after writing: its row is gone, the writes
    /// before and after it are kept, and the one after it does not see its row.
    @Test func aFailingWriteRollsBackOnlyItsOwnChanges() async throws {
        let writer = try temporaryWriter()
        let first = try await holdQueue(writer, untilWaiting: 3)
        let before = Task {
            try await writer.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES ('a')") }
        }
        while writer.waiting < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let failing = Task {
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO t (v) VALUES ('b')")
                throw Refused()
            }
        }
        while writer.waiting < 2 { try await Task.sleep(for: .milliseconds(1)) }
        let after = Task {
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO t (v) VALUES ('c')")
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM t WHERE v = 'b'")
            }
        }
        try await first.value
        try await before.value
        await #expect(throws: Refused.self) { try await failing.value }
        #expect(try await after.value == 0)
        #expect(try await values(writer) == ["a", "c", "first"])
        #expect(writer.statistics.commits == 2)
    }

    /// A write that ends the group's transaction itself breaks the group: every write of it fails,
    /// nothing of it is stored, and the writer goes on with the next group. Both for a group at
    /// FULL and for one of carried writes only (committed at NORMAL), after which FULL is back.
    @Test(arguments: [GroupCommitWriter.Durability.full, .carriedByNextDurableCommit])
    func aBrokenTransactionFailsTheWholeGroupAndTheWriterGoesOn(
        _ durability: GroupCommitWriter.Durability
    ) async throws {
        let writer = try temporaryWriter()
        let first = try await holdQueue(writer, untilWaiting: 3)
        let before = Task {
            try await writer.write(durability) { db in try db.execute(sql: "INSERT INTO t (v) VALUES ('a')") }
        }
        while writer.waiting < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let breaking = Task { try await writer.write(durability) { db in try db.execute(sql: "ROLLBACK") } }
        while writer.waiting < 2 { try await Task.sleep(for: .milliseconds(1)) }
        let after = Task {
            try await writer.write(durability) { db in try db.execute(sql: "INSERT INTO t (v) VALUES ('c')") }
        }
        try await first.value
        for task in [before, breaking, after] {
            await #expect(throws: GroupCommitError.transactionEndedByWrite) { try await task.value }
        }
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)
        #expect(try await values(writer) == ["first"])
        try await writer.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES ('next')") }
        #expect(try await values(writer) == ["first", "next"])
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)
    }

    /// A group of nonce-like writes only commits at NORMAL; one with any full write commits at
    /// FULL; FULL is back after either.
    @Test func onlyAGroupOfCarriedWritesCommitsAtNormal() async throws {
        let writer = try temporaryWriter()
        let alone = try await writer.write(.carriedByNextDurableCommit) { db in
            try db.execute(sql: "INSERT INTO t (v) VALUES ('carried')")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(alone == 1)
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)

        let first = try await holdQueue(writer, untilWaiting: 2)
        let carried = Task {
            try await writer.write(.carriedByNextDurableCommit) { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
        }
        while writer.waiting < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let full = Task { try await writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } }
        try await first.value
        #expect(try await carried.value == 2)
        #expect(try await full.value == 2)
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)

        await #expect(throws: Refused.self) {
            try await writer.write(.carriedByNextDurableCommit) { db in
                try db.execute(sql: "INSERT INTO t (v) VALUES ('rolled back')")
                throw Refused()
            }
        }
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)
        #expect(try await values(writer) == ["carried", "first"])
    }

    /// The caller's task is cancelled while its write runs (from inside the write, so the moment
    /// is certain): the write completes and is stored, and FULL is set again after a nonce's.
    @Test(arguments: [GroupCommitWriter.Durability.full, .carriedByNextDurableCommit])
    func aCallerCancelledMidWriteStillHasItsWriteStored(
        _ durability: GroupCommitWriter.Durability
    ) async throws {
        let writer = try temporaryWriter()
        let caller = Mutex<Task<String, any Error>?>(nil)
        let task = Task {
            try await writer.write(durability) { db in
                while caller.withLock({ $0 == nil }) { usleep(1_000) }  // on GRDB's queue, not the pool
                caller.withLock { $0?.cancel() }
                try db.execute(sql: "INSERT INTO t (v) VALUES ('written while the caller was cancelled')")
                return "done"
            }
        }
        caller.withLock { $0 = task }
        #expect(try await task.value == "done")
        #expect(task.isCancelled)
        #expect(try DurableDatabase.synchronousSetting(of: writer.database) == 2)
        #expect(try await values(writer) == ["written while the caller was cancelled"])
    }
}
