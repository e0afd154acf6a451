import DurableSQLite
import Foundation
import GRDB
import Settlement
import Synchronization
import Testing

/// Nonces are committed without an fsync of their own (the request's durable commit carries
/// them): the connection must be back at `synchronous=FULL` for the money state after each one,
/// whatever happened inside.
@Suite struct NonceCommitTests {
    struct Refused: Error {}

    func temporaryDatabase() throws -> DatabaseQueue {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("nonce-commit-\(UUID().uuidString).sqlite").path
        let database = try DurableDatabase.open(path: path)
        try database.write { db in try db.execute(sql: "CREATE TABLE t (v TEXT NOT NULL)") }
        return database
    }

    @Test func fullAgainAfterACommitAndAfterAFailure() async throws {
        let database = try temporaryDatabase()
        let inside = try await DurableDatabase.writeCarriedByNextDurableCommit(database) { db in
            try db.execute(sql: "INSERT INTO t (v) VALUES ('kept')")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(inside == 1, "the commit itself runs at NORMAL")
        #expect(try DurableDatabase.synchronousSetting(of: database) == 2)

        await #expect(throws: Refused.self) {
            try await DurableDatabase.writeCarriedByNextDurableCommit(database) { db in
                try db.execute(sql: "INSERT INTO t (v) VALUES ('rolled back')")
                throw Refused()
            }
        }
        #expect(try DurableDatabase.synchronousSetting(of: database) == 2)
        #expect(try await database.read { db in try String.fetchAll(db, sql: "SELECT v FROM t") } == ["kept"])
    }

    /// The caller's task is cancelled while the nonce is being written (from inside the write, so
    /// the moment is certain): the write completes, FULL is back, and nothing stops the process.
    @Test func aCallerCancelledMidWriteLeavesTheNonceAndFULL() async throws {
        let database = try temporaryDatabase()
        let caller = Mutex<Task<String, any Error>?>(nil)
        let task = Task {
            try await DurableDatabase.writeCarriedByNextDurableCommit(database) { db in
                while caller.withLock({ $0 == nil }) { usleep(1_000) }  // on GRDB's queue, not the pool
                caller.withLock { $0?.cancel() }
                try db.execute(sql: "INSERT INTO t (v) VALUES ('written while the caller was cancelled')")
                return "done"
            }
        }
        caller.withLock { $0 = task }
        _ = try? await task.value
        #expect(task.isCancelled)
        #expect(try DurableDatabase.synchronousSetting(of: database) == 2)
        #expect(
            try await database.read { db in try String.fetchAll(db, sql: "SELECT v FROM t") } == [
                "written while the caller was cancelled"
            ])
    }

    @Test(arguments: StoreKind.allCases) func aNonceIsUsedOnceAndTheStoreStaysFull(
        _ kind: StoreKind
    ) async throws {
        let harness = try await EngineHarness(kind: kind)
        let expiry = Date().addingTimeInterval(300)
        #expect(try await harness.store.recordNonce("n-1", keyID: "k-1", expiresAt: expiry))
        #expect(try await harness.store.recordNonce("n-1", keyID: "k-1", expiresAt: expiry) == false)
        #expect(try await harness.store.recordNonce("n-1", keyID: "k-2", expiresAt: expiry))
        #expect(try await harness.isDurable())
    }
}
