import Acquirer
import Foundation
import PostgresTestSupport
import SettlementPostgres
import Testing

/// The promises of ``AcquirerStore`` that several instances rely on, checked on both stores with
/// the same cases: the SQLite file (two handles on one file) and PostgreSQL (two pools on one
/// database, as two instances).
@Suite("AcquirerStore contract on SQLite and PostgreSQL")
struct AcquirerStoreContractTests {
    enum Kind: String, CaseIterable, CustomStringConvertible {
        case sqlite, postgres
        var description: String { rawValue }
    }

    /// Two handles on one store, as two processes would have.
    static func twoHandles(_ kind: Kind) async throws -> (any AcquirerStore, any AcquirerStore, () -> Void) {
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("acquirer-contract-\(UUID().uuidString).sqlite").path
            return (try SQLiteAcquirerStore(path: path), try SQLiteAcquirerStore(path: path), {})
        case .postgres:
            let url = try await TestPostgres.freshDatabaseURL()
            let one = try await TestPostgres.connect(url, maximumConnections: 4)
            let two = try await TestPostgres.connect(url, maximumConnections: 4)
            return (
                try await PostgresAcquirerStore(database: one),
                try await PostgresAcquirerStore(database: two),
                {
                    one.close()
                    two.close()
                }
            )
        }
    }

    static func record(_ store: any AcquirerStore, order: String, recoverAfter: Date) async throws -> Int64 {
        try await store.insertAuthorization(recoverAfter: recoverAfter) { stan in
            (
                StoredAuthorization(
                    orderID: order, merchant: "MERCHANT0000042", terminal: "TERM0001", stan: stan,
                    transmission: "1201093000", rrn: "612009" + stan, amount: 1155, currency: "392",
                    maskedPAN: "411111******1111", state: "sent"),
                ()
            )
        }.id
    }

    @Test(arguments: Kind.allCases)
    func stansAreNeverHandedOutTwice(_ kind: Kind) async throws {
        let (one, two, close) = try await Self.twoHandles(kind)
        defer { close() }
        let stans = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<120 {
                let store = index % 2 == 0 ? one : two
                if index % 3 == 0 {
                    group.addTask { try await store.nextSTAN() }
                } else {
                    group.addTask {
                        let id = try await Self.record(store, order: "O-\(index)", recoverAfter: Date())
                        return try #require(try await store.authorization(id)).stan
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(stans).count == 120)
        #expect(Set(stans) == Set((1...120).map { String(format: "%06d", $0) }))
    }

    @Test(arguments: Kind.allCases)
    func aRefusedMessageRecordsNothingAndUsesNoSTAN(_ kind: Kind) async throws {
        let (store, _, close) = try await Self.twoHandles(kind)
        defer { close() }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await store.insertAuthorization(recoverAfter: Date()) {
                _ -> (StoredAuthorization, Void) in
                throw Refused()
            }
        }
        #expect(try await store.authorizations().isEmpty)
        #expect(try await store.nextSTAN() == "000001")
    }

    @Test(arguments: Kind.allCases)
    func anOutcomeIsRecordedOnlyWhileSentAndOverdueOnesAreFound(_ kind: Kind) async throws {
        let (one, two, close) = try await Self.twoHandles(kind)
        defer { close() }
        let now = Date()
        let answered = try await Self.record(one, order: "A", recoverAfter: now.addingTimeInterval(30))
        let abandoned = try await Self.record(one, order: "B", recoverAfter: now.addingTimeInterval(30))
        #expect(try await one.finish(answered, state: "approved", responseCode: "00", approvalCode: "A1B2C3"))
        #expect(try await two.interruptedAuthorizations(overdueAt: now) == [])
        #expect(try await two.interruptedAuthorizations(overdueAt: nil) == [abandoned])
        #expect(try await two.interruptedAuthorizations(overdueAt: now.addingTimeInterval(30)) == [abandoned])
        // The other instance takes it over; the late answer of the first is then refused.
        try await two.queueReversal(of: abandoned, transmission: "1201093100")
        #expect(try await !one.finish(abandoned, state: "approved", responseCode: "00", approvalCode: "X"))
        #expect(try await one.authorization(abandoned)?.state == "reversal_pending")
        #expect(
            try await one.approvedAuthorization(merchant: "MERCHANT0000042", orderID: "A")?.id == answered)
        #expect(try await one.approvedAuthorization(merchant: "MERCHANT0000042", orderID: "B") == nil)
    }

    @Test(arguments: Kind.allCases)
    func aReversalIsSentByOneInstanceAtATime(_ kind: Kind) async throws {
        let (one, two, close) = try await Self.twoHandles(kind)
        defer { close() }
        let now = Date()
        let id = try await Self.record(one, order: "R", recoverAfter: now)
        // Queued by both (two instances timing out on it): one reversal, one STAN.
        try await one.queueReversal(of: id, transmission: "1201093100")
        try await two.queueReversal(of: id, transmission: "1201093200")
        let pending = try await two.unacknowledgedReversals()
        #expect(pending.count == 1 && pending.first?.transmission == "1201093100")
        #expect(try await one.reversalCounts() == [.pending: 1, .parked: 0])
        let lease = now.addingTimeInterval(20)
        async let first = one.claimReversal(id, now: now, leaseUntil: lease)
        async let second = two.claimReversal(id, now: now, leaseUntil: lease)
        let claims = try await [first, second]
        #expect(claims.compactMap { $0 } == [0], "exactly one claim, as the first attempt: \(claims)")
        #expect(try await two.claimReversal(id, now: lease, leaseUntil: lease.addingTimeInterval(20)) == 1)
        try await two.releaseReversal(id)
        #expect(
            try await one.claimReversal(id, now: now, leaseUntil: lease) == 2, "released: claimable at once")
        try await one.acknowledge(id, responseCode: "00")
        #expect(try await two.claimReversal(id, now: lease.addingTimeInterval(100), leaseUntil: lease) == nil)
        #expect(try await two.authorization(id)?.state == "reversed")
        #expect(try await two.reversals().map(\.state) == [.acknowledged])
    }

    @Test(arguments: Kind.allCases)
    func parkedReversalsWaitForTheOperator(_ kind: Kind) async throws {
        let (one, two, close) = try await Self.twoHandles(kind)
        defer { close() }
        let id = try await Self.record(one, order: "P", recoverAfter: Date())
        try await one.queueReversal(of: id, transmission: "1201093100")
        try await one.park(id, reason: "cannot be encoded", at: Date())
        #expect(try await two.unacknowledgedReversals().isEmpty)
        #expect(try await two.reversalCounts() == [.pending: 0, .parked: 1])
        #expect(try await two.reversals().first?.reason == "cannot be encoded")
        try await two.retryReversal(id)
        #expect(try await one.unacknowledgedReversals().count == 1)
        await #expect(throws: ReversalActionError.wrongState(id, .pending, action: "retried")) {
            try await one.retryReversal(id)
        }
        await #expect(throws: ReversalActionError.emptyNote) { try await one.resolveReversal(id, note: "  ") }
        try await one.resolveReversal(id, note: "released by phone, ref 991")
        #expect(try await two.authorization(id)?.state == "reversal_resolved")
        #expect(try await two.reversals().first?.state == .resolved)
        await #expect(throws: ReversalActionError.unknown(999)) { try await two.retryReversal(999) }
    }
}
