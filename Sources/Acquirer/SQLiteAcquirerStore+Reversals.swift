import DurableSQLite
import Foundation
import GRDB

extension SQLiteAcquirerStore {
    public func takeOver(_ id: Int64, transmission: String) async throws -> Bool {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE authorization SET state = 'reversal_pending' WHERE id = ? AND state = 'sent'",
                arguments: [id])
            guard db.changesCount == 1 else { return false }
            try Self.insertReversal(db, of: id, transmission: transmission)
            return true
        }
    }

    static func insertReversal(_ db: Database, of id: Int64, transmission: String) throws {
        let queued =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM pending_reversal WHERE authorization_id = ?"),
                arguments: [id])
            ?? false
        if !queued {
            try db.executeCached(
                sql: "INSERT INTO pending_reversal (authorization_id, stan, transmission) VALUES (?, ?, ?)",
                arguments: [id, try takeSTAN(db), transmission])
        }
    }

    public func queueReversal(of id: Int64, transmission: String) async throws {
        try await writer.write { db in
            if try Self.capture(db, of: id)?.state ?? .declined != .declined {
                throw AcquirerError.captured(id)
            }
            try Self.insertReversal(db, of: id, transmission: transmission)
            try db.executeCached(
                sql: """
                    UPDATE authorization SET state = 'reversal_pending'
                    WHERE id = ? AND state NOT IN ('reversed', 'reversal_resolved')
                    """,
                arguments: [id])
        }
    }

    public func unacknowledgedReversals() async throws -> [PendingReversal] {
        try await database.snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT authorization_id, stan, transmission, attempts FROM pending_reversal
                        WHERE acknowledged = 0 AND parked_reason IS NULL AND resolution_note IS NULL
                        ORDER BY authorization_id
                        """)
            ).map {
                PendingReversal(
                    authorizationID: $0["authorization_id"], stan: $0["stan"],
                    transmission: $0["transmission"],
                    attempts: $0["attempts"])
            }
        }
    }

    public func claimReversal(_ id: Int64, now: Date, leaseUntil: Date) async throws -> Int? {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE pending_reversal SET attempts = attempts + 1, lease_until = ?
                    WHERE authorization_id = ? AND acknowledged = 0 AND parked_reason IS NULL
                        AND resolution_note IS NULL AND (lease_until IS NULL OR lease_until <= ?)
                    """,
                arguments: [leaseUntil.timeIntervalSince1970, id, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return nil }
            return try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT attempts - 1 FROM pending_reversal WHERE authorization_id = ?"),
                arguments: [id])
        }
    }

    public func releaseReversal(_ id: Int64) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: "UPDATE pending_reversal SET lease_until = NULL WHERE authorization_id = ?",
                arguments: [id])
        }
    }

    public func acknowledge(_ id: Int64, responseCode: String) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE pending_reversal SET acknowledged = 1, response_code = ?, lease_until = NULL
                    WHERE authorization_id = ?
                    """,
                arguments: [responseCode, id])
            try db.executeCached(
                sql: "UPDATE authorization SET state = 'reversed' WHERE id = ?", arguments: [id])
        }
    }

    public func park(_ id: Int64, reason: String, at date: Date) async throws {
        try await writer.write { db in
            try db.executeCached(
                sql: """
                    UPDATE pending_reversal SET parked_reason = ?, parked_at = ?, lease_until = NULL
                    WHERE authorization_id = ? AND acknowledged = 0
                    """,
                arguments: [reason, date.timeIntervalSince1970, id])
        }
    }

    public func reversalCounts() async throws -> [ReversalRecord.State: Int] {
        try await database.snapshotRead { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT parked_reason IS NOT NULL AS parked, COUNT(*) AS n FROM pending_reversal
                        WHERE acknowledged = 0 AND resolution_note IS NULL GROUP BY parked
                        """))
            var counts: [ReversalRecord.State: Int] = [.pending: 0, .parked: 0]
            for row in rows {
                counts[(row["parked"] as Bool) ? .parked : .pending] = row["n"]
            }
            return counts
        }
    }

    public func reversals() async throws -> [ReversalRecord] {
        try await database.snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT r.authorization_id, a.order_id, a.merchant, a.amount, a.currency, a.masked_pan,
                            r.attempts, r.acknowledged, r.parked_reason, r.resolution_note
                        FROM pending_reversal r JOIN authorization a ON a.id = r.authorization_id
                        ORDER BY r.authorization_id
                        """)
            ).map(Self.reversalRecord).sorted(by: ReversalRecord.listOrder)
        }
    }

    public func retryReversal(_ id: Int64) async throws {
        try await writer.write { db in
            let state = try Self.reversalState(db, id)
            guard state == .parked else { throw ReversalActionError.wrongState(id, state, action: "retried") }
            try db.executeCached(
                sql:
                    "UPDATE pending_reversal SET parked_reason = NULL, parked_at = NULL WHERE authorization_id = ?",
                arguments: [id])
        }
    }

    public func resolveReversal(_ id: Int64, note: String, at date: Date) async throws {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw ReversalActionError.emptyNote }
        try await writer.write { db in
            let state = try Self.reversalState(db, id)
            guard state == .parked || state == .pending else {
                throw ReversalActionError.wrongState(id, state, action: "resolved")
            }
            try db.executeCached(
                sql:
                    "UPDATE pending_reversal SET resolution_note = ?, resolved_at = ? WHERE authorization_id = ?",
                arguments: [note, date.timeIntervalSince1970, id])
            try db.executeCached(
                sql: "UPDATE authorization SET state = 'reversal_resolved' WHERE id = ?", arguments: [id])
        }
    }

    static func reversalState(_ db: Database, _ id: Int64) throws -> ReversalRecord.State {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT acknowledged, parked_reason, resolution_note FROM pending_reversal
                        WHERE authorization_id = ?
                        """), arguments: [id])
        else { throw ReversalActionError.unknown(id) }
        return state(of: row)
    }

    static func state(of row: Row) -> ReversalRecord.State {
        ReversalRecord.state(
            acknowledged: (row["acknowledged"] as Int) != 0, resolutionNote: row["resolution_note"],
            parkedReason: row["parked_reason"])
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
