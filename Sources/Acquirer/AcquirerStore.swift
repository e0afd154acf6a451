import Foundation
import PairPayCore

/// The acquirer's durable state: the STAN counter, every authorization sent, and the reversals
/// still to be delivered (store-and-forward). Card numbers, expiry and CVC are never stored.
///
/// ``SQLiteAcquirerStore`` is the embedded default (one settlementd). A store shared by several
/// instances (PostgreSQL) keeps the same promises across them: a STAN is never handed out twice,
/// an authorization's outcome is recorded only while it is still `sent` (so an instance that took
/// it over and reversed it is never overruled), and a reversal is sent by one instance at a time
/// (``claimReversal(_:now:leaseUntil:)``).
public protocol AcquirerStore: Sendable {
    /// Whether other instances write this store too.
    var sharing: StoreSharing { get }

    /// The next system trace audit number, `000001`…`999999` then `000001` again, unique across
    /// every instance of the store.
    func nextSTAN() async throws -> String

    /// Takes the next STAN and records the authorization `make` builds with it (state `sent`,
    /// taken over by another instance if still `sent` after `recoverAfter`), in one transaction.
    /// When `make` throws, nothing is recorded and no STAN is used.
    func insertAuthorization<Extra: Sendable>(
        recoverAfter: Date,
        _ make: @escaping @Sendable (_ stan: String) throws -> (StoredAuthorization, Extra)
    ) async throws -> (id: Int64, authorization: StoredAuthorization, extra: Extra)

    /// Records the outcome of a `sent` authorization. Returns `false` (and changes nothing) when
    /// it is no longer `sent`: an instance took it over as overdue and is reversing it.
    func finish(_ id: Int64, state: String, responseCode: String?, approvalCode: String?) async throws -> Bool

    /// One authorization by id.
    func authorization(_ id: Int64) async throws -> StoredAuthorization?
    /// Every authorization, oldest first.
    func authorizations() async throws -> [StoredAuthorization]
    /// The newest approved, not reversed authorization of `orderID` for `merchant` (field 42 as
    /// sent: padded to 15 characters).
    func approvedAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization?
    /// The newest authorization of `orderID` for `merchant` in any state (field 42 as sent).
    func latestAuthorization(merchant: String, orderID: String) async throws -> StoredAuthorization?
    /// Authorizations still `sent`: all of them (`overdueAt` nil, for an exclusive store at
    /// start-up) or those whose `recoverAfter` is at or before `overdueAt`.
    func interruptedAuthorizations(overdueAt: Date?) async throws -> [Int64]

    /// Takes over authorization `id` if it is still `sent` (its instance died, or lost the
    /// answer): marks it `reversal_pending` and queues its reversal, in one transaction. Returns
    /// `false`, changing nothing, when it is no longer `sent` (its answer was recorded meanwhile:
    /// an approval that is now an order's must never be reversed by a take-over).
    func takeOver(_ id: Int64, transmission: String) async throws -> Bool
    /// Queues a reversal of authorization `id` (once; queuing again is a no-op) with a STAN of its
    /// own and `transmission`, both kept for every repeat, and marks the authorization
    /// `reversal_pending` (unless already reversed or resolved).
    /// - Throws: ``AcquirerError/captured(_:)`` when a capture of it is stored (pending or
    ///   approved): a captured sale is given back by a refund, never a reversal. Decided with the
    ///   authorization locked, so a capture and a reversal never both go out.
    func queueReversal(of id: Int64, transmission: String) async throws

    /// Stores a capture or refund with a STAN of its own, in one transaction with the authorization
    /// locked: a capture only of an `approved` authorization (the whole amount; once); a refund
    /// only once a capture is stored that is not declined, and only while the refunds not declined
    /// add up to no more than it captured.
    func insertPostSale(_ draft: PostSaleDraft) async throws -> PostSaleInsertion
    /// The captures and refunds of one authorization, oldest first.
    func postSales(authorizationID: Int64) async throws -> [PostSaleMessage]
    /// Captures and refunds not answered yet: captures first, then refunds, oldest first.
    func pendingPostSales() async throws -> [PostSaleMessage]
    /// Takes message `id` for sending until `leaseUntil` and counts the attempt, atomically.
    /// Returns the attempts made before this one (0: the first send, else a repeat), or nil when
    /// another sender holds it or it is answered.
    func claimPostSale(_ id: Int64, now: Date, leaseUntil: Date) async throws -> Int?
    /// Gives a claimed message back after a failed send.
    func releasePostSale(_ id: Int64) async throws
    /// Records the bank's answer (only while `pending`).
    func answerPostSale(
        _ id: Int64, state: PostSaleMessage.State, responseCode: String, approvalCode: String?)
        async throws
    /// Approved authorizations of `merchant` (field 42 as sent) with no capture stored: what an
    /// end-of-day batch close captures.
    func uncapturedAuthorizations(merchant: String) async throws -> [StoredAuthorization]
    /// The stored reconciliation `key`, if any.
    func reconciliation(_ key: ReconciliationKey) async throws -> ReconciliationRecord?
    /// Opens reconciliation `key` unless it is open: every approved capture and refund of the
    /// terminal's authorizations of the merchant in that currency not counted yet is counted in it,
    /// atomically, under a new STAN and `transmission`. Returns the stored reconciliation either way.
    func openReconciliation(
        _ key: ReconciliationKey, transmission: String
    ) async throws -> ReconciliationRecord
    /// Counts one send of the reconciliation; returns the attempts made before this one.
    func countReconciliationAttempt(_ key: ReconciliationKey) async throws -> Int
    /// Records the bank's answer: its totals (zeros when it refused) and response code.
    func answerReconciliation(_ key: ReconciliationKey, bank: HostTotals, responseCode: String) async throws
    /// Whether a capture or refund of the terminal's authorizations of `merchant` (fields 41 and
    /// 42 as sent) waits for the bank's answer.
    func hasPendingPostSales(terminal: String, merchant: String) async throws -> Bool
    /// Reversals to send: not acknowledged, not parked, not resolved; oldest first.
    func unacknowledgedReversals() async throws -> [PendingReversal]
    /// Takes reversal `id` for sending until `leaseUntil` and counts the attempt, atomically.
    /// Returns how many attempts were made before this one (0: send an 0400, else an 0401), or
    /// nil when another sender holds it or it no longer needs sending.
    func claimReversal(_ id: Int64, now: Date, leaseUntil: Date) async throws -> Int?
    /// Gives a claimed reversal back after a failed send, for the next attempt by any instance.
    func releaseReversal(_ id: Int64) async throws
    /// The bank answered the reversal: it is done and the authorization is `reversed`.
    func acknowledge(_ id: Int64, responseCode: String) async throws
    /// Takes a reversal that can never be sent as it is out of the queue, with the reason.
    func park(_ id: Int64, reason: String, at date: Date) async throws
    /// Outstanding reversals by state, `pending` and `parked` always present.
    func reversalCounts() async throws -> [ReversalRecord.State: Int]
    /// Every reversal on record, outstanding ones first, then by authorization id.
    func reversals() async throws -> [ReversalRecord]
    /// Puts a parked reversal back in the queue.
    /// - Throws: ``ReversalActionError`` when there is no such reversal or it is not parked.
    func retryReversal(_ id: Int64) async throws
    /// Records that the operator settled an outstanding reversal outside PairPay.
    /// - Throws: ``ReversalActionError`` (unknown, already done, empty note).
    func resolveReversal(_ id: Int64, note: String, at date: Date) async throws
}

extension AcquirerStore {
    /// How many reversals still wait for the bank's acknowledgement, parked ones included.
    public func pendingReversalCount() async throws -> Int {
        try await reversalCounts().values.reduce(0, +)
    }

    /// ``resolveReversal(_:note:at:)`` now.
    public func resolveReversal(_ id: Int64, note: String) async throws {
        try await resolveReversal(id, note: note, at: Date())
    }
}

/// A reversal waiting to be delivered.
public struct PendingReversal: Sendable, Equatable {
    public let authorizationID: Int64
    public let stan: String
    public let transmission: String
    /// Attempts made so far.
    public var attempts: Int

    public init(authorizationID: Int64, stan: String, transmission: String, attempts: Int) {
        self.authorizationID = authorizationID
        self.stan = stan
        self.transmission = transmission
        self.attempts = attempts
    }
}

extension ReversalRecord {
    /// A reversal's state from its columns.
    public static func state(acknowledged: Bool, resolutionNote: String?, parkedReason: String?) -> State {
        if acknowledged { return .acknowledged }
        if resolutionNote != nil { return .resolved }
        if parkedReason != nil { return .parked }
        return .pending
    }

    /// Orders records as the operator lists them: outstanding first, then by authorization.
    public static func listOrder(_ left: ReversalRecord, _ right: ReversalRecord) -> Bool {
        (left.state, left.authorizationID) < (right.state, right.authorizationID)
    }
}
