import DurableSQLite
import Foundation
import GRDB

/// A reversal waiting to be delivered (or delivered but kept for the record).
struct PendingReversal: Sendable, Equatable, Codable, FetchableRecord {
    let authorizationID: Int64
    let stan: String
    let transmission: String
    var attempts: Int

    enum CodingKeys: String, CodingKey {
        case authorizationID = "authorization_id"
        case stan, transmission, attempts
    }
}

extension AcquirerStore {
    /// Queues a reversal of authorization `id` (once; queuing again is a no-op) with a STAN of its
    /// own and `transmission`, both kept for every repeat. The STAN is taken in the same
    /// transaction, and only when the reversal is new.
    func queueReversal(of id: Int64, transmission: String) async throws {
        try await DurableDatabase.write(database) { db in
            let queued =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM pending_reversal WHERE authorization_id = ?", arguments: [id])
                ?? false
            if !queued {
                try db.execute(
                    sql:
                        "INSERT INTO pending_reversal (authorization_id, stan, transmission) VALUES (?, ?, ?)",
                    arguments: [id, try Self.takeSTAN(db), transmission])
            }
            try db.execute(
                sql: """
                    UPDATE authorization SET state = 'reversal_pending'
                    WHERE id = ? AND state NOT IN ('reversed', 'reversal_resolved')
                    """,
                arguments: [id])
        }
    }

    /// Reversals to send: not acknowledged, not parked, not resolved by the operator; oldest first.
    func unacknowledgedReversals() async throws -> [PendingReversal] {
        try await DurableDatabase.read(database) { db in
            try PendingReversal.fetchAll(
                db,
                sql: """
                    SELECT * FROM pending_reversal
                    WHERE acknowledged = 0 AND parked_reason IS NULL AND resolution_note IS NULL
                    ORDER BY authorization_id
                    """)
        }
    }

    /// Counts an attempt before it is sent, so the next one goes out as a repeat (0401).
    func countAttempt(_ id: Int64) async throws {
        try await DurableDatabase.write(database) { db in
            try db.execute(
                sql: "UPDATE pending_reversal SET attempts = attempts + 1 WHERE authorization_id = ?",
                arguments: [id])
        }
    }

    func acknowledge(_ id: Int64, responseCode: String) async throws {
        try await DurableDatabase.write(database) { db in
            try db.execute(
                sql:
                    "UPDATE pending_reversal SET acknowledged = 1, response_code = ? WHERE authorization_id = ?",
                arguments: [responseCode, id])
            try db.execute(sql: "UPDATE authorization SET state = 'reversed' WHERE id = ?", arguments: [id])
        }
    }

    /// Takes a reversal that can never be sent as it is out of the queue, with the reason, so the
    /// reversals behind it go out. It stays on record until the operator retries or resolves it.
    func park(_ id: Int64, reason: String, at date: Date) async throws {
        try await DurableDatabase.write(database) { db in
            try db.execute(
                sql: """
                    UPDATE pending_reversal SET parked_reason = ?, parked_at = ?
                    WHERE authorization_id = ? AND acknowledged = 0
                    """,
                arguments: [reason, date.timeIntervalSince1970, id])
        }
    }

    /// How many reversals still wait for the bank's acknowledgement, parked ones included.
    public func pendingReversalCount() async throws -> Int {
        try await reversalCounts().values.reduce(0, +)
    }

    /// Outstanding reversals by state: `pending` (queued, being sent) and `parked` (set aside,
    /// waiting for the operator). Both are always present in the answer.
    public func reversalCounts() async throws -> [ReversalRecord.State: Int] {
        try await DurableDatabase.read(database) { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT parked_reason IS NOT NULL AS parked, COUNT(*) AS n FROM pending_reversal
                    WHERE acknowledged = 0 AND resolution_note IS NULL GROUP BY parked
                    """)
            var counts: [ReversalRecord.State: Int] = [.pending: 0, .parked: 0]
            for row in rows {
                counts[(row["parked"] as Bool) ? .parked : .pending] = row["n"]
            }
            return counts
        }
    }

    /// Authorizations left in state `sent` by a crash: their outcome is unknown.
    func interruptedAuthorizations() async throws -> [Int64] {
        try await DurableDatabase.read(database) { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM authorization WHERE state = 'sent'")
        }
    }
}
