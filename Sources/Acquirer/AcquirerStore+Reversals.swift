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
    func queueReversal(of id: Int64, transmission: String) throws {
        try database.write { db in
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
                sql:
                    "UPDATE authorization SET state = 'reversal_pending' WHERE id = ? AND state != 'reversed'",
                arguments: [id])
        }
    }

    /// Reversals the bank has not acknowledged, oldest first.
    func unacknowledgedReversals() throws -> [PendingReversal] {
        try database.read { db in
            try PendingReversal.fetchAll(
                db, sql: "SELECT * FROM pending_reversal WHERE acknowledged = 0 ORDER BY authorization_id")
        }
    }

    /// Counts an attempt before it is sent, so the next one goes out as a repeat (0401).
    func countAttempt(_ id: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE pending_reversal SET attempts = attempts + 1 WHERE authorization_id = ?",
                arguments: [id])
        }
    }

    func acknowledge(_ id: Int64, responseCode: String) throws {
        try database.write { db in
            try db.execute(
                sql:
                    "UPDATE pending_reversal SET acknowledged = 1, response_code = ? WHERE authorization_id = ?",
                arguments: [responseCode, id])
            try db.execute(sql: "UPDATE authorization SET state = 'reversed' WHERE id = ?", arguments: [id])
        }
    }

    /// How many reversals still wait for the bank's acknowledgement.
    public func pendingReversalCount() throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_reversal WHERE acknowledged = 0") ?? 0
        }
    }

    /// Authorizations left in state `sent` by a crash: their outcome is unknown.
    func interruptedAuthorizations() throws -> [Int64] {
        try database.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM authorization WHERE state = 'sent'")
        }
    }
}
