import Acquirer
import Foundation
import PostgresTestSupport
import SettlementPostgres
import Testing

/// The rules of captures and refunds in ``AcquirerStore``, on both stores with two handles each
/// (two instances): a capture and a reversal of one sale never both go out, and refunds asked for
/// at once on both handles never add up to more than the capture.
@Suite("AcquirerStore captures and refunds on SQLite and PostgreSQL")
struct PostSaleContractTests {
    typealias Kind = AcquirerStoreContractTests.Kind

    static func approved(_ store: any AcquirerStore, order: String) async throws -> Int64 {
        let id = try await AcquirerStoreContractTests.record(store, order: order, recoverAfter: Date())
        #expect(try await store.finish(id, state: "approved", responseCode: "00", approvalCode: "A00001"))
        return id
    }

    static func draft(
        _ kind: PostSaleMessage.Kind, _ id: Int64, key: String = "capture", amount: Int64 = 0
    )
        -> PostSaleDraft
    {
        PostSaleDraft(
            kind: kind, authorizationID: id, key: key, amount: amount, transmission: "1201100000",
            rrnPrefix: "633510")
    }

    @Test(arguments: Kind.allCases)
    func aCaptureAndAReversalOfOneSaleNeverBothGoOut(_ kind: Kind) async throws {
        let (one, two, close) = try await AcquirerStoreContractTests.twoHandles(kind)
        defer { close() }
        for round in 0..<12 {
            let id = try await Self.approved(one, order: "RACE-\(round)")
            async let capture = two.insertPostSale(Self.draft(.capture, id))
            async let reversal: Bool = {
                do {
                    try await one.queueReversal(of: id, transmission: "1201100001")
                    return true
                } catch AcquirerError.captured { return false }
            }()
            let (captured, reversed) = try await (capture, reversal)
            switch captured {
            case .inserted(let message):
                #expect(!reversed, "round \(round): captured and reversed")
                #expect(message.amount == 1155 && message.rrn == "633510" + message.stan)
            case .refused(.notApproved(let state)):
                #expect(reversed && state == "reversal_pending", "round \(round)")
            default: Issue.record("round \(round): \(captured)")
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func refundsAtOnceOnTwoInstancesNeverExceedTheCapture(_ kind: Kind) async throws {
        let (one, two, close) = try await AcquirerStoreContractTests.twoHandles(kind)
        defer { close() }
        let id = try await Self.approved(one, order: "REFUNDS")
        #expect(
            try await one.insertPostSale(Self.draft(.refund, id, key: "early", amount: 1))
                == .refused(.notCaptured))
        guard case .inserted(let capture) = try await one.insertPostSale(Self.draft(.capture, id)) else {
            Issue.record("capture not stored")
            return
        }
        #expect(try await two.insertPostSale(Self.draft(.capture, id)) == .existing(capture))
        // 12 refunds of 200 against 1155: exactly five fit, whichever instance stores them.
        let outcomes = try await withThrowingTaskGroup(of: PostSaleInsertion.self) { group in
            for index in 0..<12 {
                let store = index % 2 == 0 ? one : two
                group.addTask {
                    try await store.insertPostSale(Self.draft(.refund, id, key: "r-\(index)", amount: 200))
                }
            }
            return try await group.reduce(into: [PostSaleInsertion]()) { $0.append($1) }
        }
        let inserted = outcomes.filter { if case .inserted = $0 { true } else { false } }
        #expect(inserted.count == 5)
        #expect(outcomes.filter { $0 == .refused(.exceedsCaptured(remaining: 155)) }.count == 7)
        // The same key again is the stored refund; with another amount it is refused.
        guard case .inserted(let some) = inserted.first else { return }
        #expect(
            try await two.insertPostSale(Self.draft(.refund, id, key: some.key, amount: 200))
                == .existing(some))
        #expect(
            try await two.insertPostSale(Self.draft(.refund, id, key: some.key, amount: 100))
                == .refused(.keyReused))
        // Captured: a reversal is refused, and the sale is no longer uncaptured.
        await #expect(throws: AcquirerError.captured(id)) {
            try await one.queueReversal(of: id, transmission: "1201100002")
        }
        #expect(try await one.uncapturedAuthorizations(merchant: "MERCHANT0000042").isEmpty)
        // Pending: the capture first, then refunds by id; every STAN its own.
        let pending = try await two.pendingPostSales()
        #expect(pending.first == capture)
        #expect(pending.count == 6)
        #expect(Set(pending.map(\.stan)).count == 6)
    }

    @Test(arguments: Kind.allCases)
    func aClaimedMessageIsSentByOneInstanceAndItsAnswerIsKept(_ kind: Kind) async throws {
        let (one, two, close) = try await AcquirerStoreContractTests.twoHandles(kind)
        defer { close() }
        let id = try await Self.approved(one, order: "CLAIM")
        let other = try await Self.approved(one, order: "OPEN")
        guard case .inserted(let capture) = try await one.insertPostSale(Self.draft(.capture, id)) else {
            Issue.record("capture not stored")
            return
        }
        let now = Date()
        #expect(try await one.claimPostSale(capture.id, now: now, leaseUntil: now + 60) == 0)
        #expect(try await two.claimPostSale(capture.id, now: now, leaseUntil: now + 60) == nil)
        try await one.releasePostSale(capture.id)
        #expect(try await two.claimPostSale(capture.id, now: now, leaseUntil: now + 60) == 1)
        try await two.answerPostSale(capture.id, state: .approved, responseCode: "00", approvalCode: "A00001")
        try await one.answerPostSale(capture.id, state: .declined, responseCode: "96", approvalCode: nil)
        let stored = try await one.postSales(authorizationID: id)
        #expect(stored.map(\.state) == [.approved] && stored.first?.responseCode == "00")
        #expect(stored.first?.attempts == 2)
        #expect(try await two.pendingPostSales().isEmpty)
        #expect(try await two.uncapturedAuthorizations(merchant: "MERCHANT0000042").map(\.id) == [other])
    }
}
