import DurableSQLite
import Foundation
import GRDB

/// A reversal as the operator sees it (`pairpay reversals list`): which authorization, for which
/// order and amount, and where it stands. No card data beyond the masked number.
public struct ReversalRecord: Sendable, Equatable {
    /// Where a reversal stands.
    public enum State: String, Sendable, CaseIterable, Comparable {
        /// Queued: settlementd sends it (0400, then 0401 repeats) until the bank answers.
        case pending
        /// Set aside because it cannot be sent as it is; waits for `retry` or `resolve`.
        case parked
        /// The operator settled it with the bank outside PairPay (`pairpay reversals resolve`).
        case resolved
        /// The bank acknowledged it: the hold is released.
        case acknowledged

        public static func < (left: State, right: State) -> Bool {
            allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
        }
    }

    public let authorizationID: Int64
    public let orderID: String
    /// Field 42 as sent (padded to 15 characters with spaces).
    public let merchant: String
    /// Minor units of ``currency``.
    public let amount: Int64
    /// ISO 4217 numeric code, as in field 49.
    public let currency: String
    public let maskedPAN: String
    public let state: State
    /// How many times it was sent.
    public let attempts: Int
    /// Why it was parked, or the operator's note when resolved; `nil` otherwise.
    public let reason: String?
}

/// Why an operator's action on a reversal was refused.
public enum ReversalActionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No reversal of this authorization is on record.
    case unknown(Int64)
    /// The action does not apply in the reversal's state (for example retrying one the bank
    /// already acknowledged).
    case wrongState(Int64, ReversalRecord.State, action: String)
    /// A resolution needs a note saying how it was settled.
    case emptyNote

    public var description: String {
        switch self {
        case .unknown(let id):
            return "no reversal of authorization #\(id) is on record; `pairpay reversals list` shows them"
        case .wrongState(let id, let state, let action):
            return "the reversal of authorization #\(id) is \(state.rawValue): it cannot be \(action)"
        case .emptyNote:
            return "--note must say how the reversal was settled (for example the bank's reference)"
        }
    }
}

extension AcquirerStore {
    /// Every reversal on record with its authorization, outstanding ones (`pending`, `parked`)
    /// first, then by authorization id.
    public func reversals() async throws -> [ReversalRecord] {
        try await DurableDatabase.read(database) { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.authorization_id, a.order_id, a.merchant, a.amount, a.currency, a.masked_pan,
                        r.attempts, r.acknowledged, r.parked_reason, r.resolution_note
                    FROM pending_reversal r JOIN authorization a ON a.id = r.authorization_id
                    ORDER BY r.authorization_id
                    """
            ).map(Self.reversalRecord).sorted {
                ($0.state, $0.authorizationID) < ($1.state, $1.authorizationID)
            }
        }
    }

    /// Puts a parked reversal back in the queue: settlementd's retry loop sends it next time.
    /// - Throws: ``ReversalActionError`` when there is no such reversal or it is not parked.
    public func retryReversal(_ id: Int64) async throws {
        try await DurableDatabase.write(database) { db in
            let state = try Self.reversalState(db, id)
            guard state == .parked else { throw ReversalActionError.wrongState(id, state, action: "retried") }
            try db.execute(
                sql:
                    "UPDATE pending_reversal SET parked_reason = NULL, parked_at = NULL WHERE authorization_id = ?",
                arguments: [id])
        }
    }

    /// Records that the operator settled an outstanding (parked or pending) reversal with the bank
    /// outside PairPay: it leaves the queue and the note is kept.
    /// - Throws: ``ReversalActionError`` when there is no such reversal, it is already done, or
    ///   the note is empty.
    public func resolveReversal(_ id: Int64, note: String, at date: Date = Date()) async throws {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw ReversalActionError.emptyNote }
        try await DurableDatabase.write(database) { db in
            let state = try Self.reversalState(db, id)
            guard state == .parked || state == .pending else {
                throw ReversalActionError.wrongState(id, state, action: "resolved")
            }
            try db.execute(
                sql:
                    "UPDATE pending_reversal SET resolution_note = ?, resolved_at = ? WHERE authorization_id = ?",
                arguments: [note, date.timeIntervalSince1970, id])
            try db.execute(
                sql: "UPDATE authorization SET state = 'reversal_resolved' WHERE id = ?", arguments: [id])
        }
    }

    static func reversalState(_ db: Database, _ id: Int64) throws -> ReversalRecord.State {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT acknowledged, parked_reason, resolution_note FROM pending_reversal
                    WHERE authorization_id = ?
                    """, arguments: [id])
        else { throw ReversalActionError.unknown(id) }
        return state(of: row)
    }

    static func state(of row: Row) -> ReversalRecord.State {
        if (row["acknowledged"] as Int) != 0 { return .acknowledged }
        if (row["resolution_note"] as String?) != nil { return .resolved }
        if (row["parked_reason"] as String?) != nil { return .parked }
        return .pending
    }

    static func reversalRecord(_ row: Row) -> ReversalRecord {
        let state = state(of: row)
        return ReversalRecord(
            authorizationID: row["authorization_id"], orderID: row["order_id"], merchant: row["merchant"],
            amount: row["amount"], currency: row["currency"], maskedPAN: row["masked_pan"], state: state,
            attempts: row["attempts"],
            reason: state == .resolved
                ? row["resolution_note"] : state == .parked ? row["parked_reason"] : nil)
    }
}
