import Foundation
import PostgresNIO
import PostgresTestSupport
import Settlement
import Testing

@testable import SettlementPostgres

/// The nonce is one statement committed with `synchronous_commit` off for its own transaction,
/// and the connection is back at `on` for the next statement (the money state's).
@Suite("PostgreSQL nonce: one statement, off for its own commit only")
struct NonceStatementTests {
    @Test func theNonceCommitsWithSynchronousCommitOffAndTheConnectionStaysOn() async throws {
        let url = try await TestPostgres.freshDatabaseURL()
        // One connection, so the statement after the nonce runs where the nonce ran.
        let pool = try await TestPostgres.connect(url, maximumConnections: 1)
        defer { pool.close() }
        let store = try await PostgresSettlementStore(database: pool, passwordHasher: .fastForTests)
        let expiry = Date().addingTimeInterval(300)

        let first = try await pool.query(
            PostgresSettlementStore.nonceInsert("n-1", keyID: "k-1", expiresAt: expiry))
        #expect(try first.map { try $0.decode(String.self) } == ["off"])
        #expect(try await pool.durabilitySettings().synchronousCommit == "on")

        let replay = try await pool.query(
            PostgresSettlementStore.nonceInsert("n-1", keyID: "k-1", expiresAt: expiry))
        #expect(replay.isEmpty, "a nonce seen before is refused")
        #expect(try await store.recordNonce("n-1", keyID: "k-1", expiresAt: expiry) == false)
        #expect(try await store.recordNonce("n-2", keyID: "k-1", expiresAt: expiry))
        #expect(try await pool.durabilitySettings().synchronousCommit == "on")
        let stored = try await pool.query("SELECT nonce FROM request_nonce ORDER BY nonce").map {
            try $0.decode(String.self)
        }
        #expect(stored == ["n-1", "n-2"])
    }
}
