import DurableSQLite
import Foundation
import GRDB
import Settlement
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

    @Test func aNonceIsUsedOnceAndTheStoreStaysFull() async throws {
        let harness = try await EngineHarness()
        let expiry = Date().addingTimeInterval(300)
        #expect(try await harness.store.recordNonce("n-1", keyID: "k-1", expiresAt: expiry))
        #expect(try await harness.store.recordNonce("n-1", keyID: "k-1", expiresAt: expiry) == false)
        #expect(try await harness.store.recordNonce("n-1", keyID: "k-2", expiresAt: expiry))
        #expect(try harness.store.durabilitySettings().synchronous == 2)
    }
}
