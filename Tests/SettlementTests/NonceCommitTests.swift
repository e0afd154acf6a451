import DurableSQLite
import Foundation
import GRDB
import Settlement
import Synchronization
import Testing

/// Nonces are committed without an fsync of their own (the request's durable commit carries
/// them): the connection must be back at `synchronous=FULL` for the money state after each one,
/// whatever happened inside (the writer's own cases: ``GroupCommitWriterTests``).
@Suite struct NonceCommitTests {
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
