import Acquirer
import Foundation
import PostgresNIO

extension PostgresAcquirerStore {
    public func takeOver(_ id: Int64, transmission: String) async throws -> Bool {
        try await database.transaction { transaction in
            let taken = try await transaction.query(
                """
                UPDATE acquirer_authorization SET state = 'reversal_pending' WHERE id = \(id) AND state = 'sent'
                RETURNING 1
                """)
            guard !taken.isEmpty else { return false }
            try await Self.insertReversal(transaction, of: id, transmission: transmission)
            return true
        }
    }

    /// Queues the reversal of `id` with a STAN of its own, unless it is queued already.
    static func insertReversal(
        _ transaction: PostgresTransaction, of id: Int64, transmission: String
    ) async throws {
        let queued = try await !transaction.query(
            "SELECT 1 FROM acquirer_reversal WHERE authorization_id = \(id)"
        ).isEmpty
        guard !queued else { return }
        let stan = try await takeSTAN(transaction)
        try await transaction.query(
            """
            INSERT INTO acquirer_reversal (authorization_id, stan, transmission)
            VALUES (\(id), \(stan), \(transmission))
            """)
    }

    public func queueReversal(of id: Int64, transmission: String) async throws {
        try await database.transaction { transaction in
            // Locks the authorization row first: two instances queueing the same reversal at once
            // take turns, and only the first takes a STAN.
            _ = try await transaction.query(
                "SELECT 1 FROM acquirer_authorization WHERE id = \(id) FOR UPDATE")
            // A capture stored under the same lock wins: a captured sale is refunded, not reversed.
            let captured = try await !transaction.query(
                """
                SELECT 1 FROM acquirer_post_sale
                WHERE authorization_id = \(id) AND kind = 'capture' AND state <> 'declined'
                """
            ).isEmpty
            if captured { throw AcquirerError.captured(id) }
            try await Self.insertReversal(transaction, of: id, transmission: transmission)
            try await transaction.query(
                """
                UPDATE acquirer_authorization SET state = 'reversal_pending'
                WHERE id = \(id) AND state NOT IN ('reversed', 'reversal_resolved')
                """)
        }
    }

    public func unacknowledgedReversals() async throws -> [PendingReversal] {
        try await database.query(
            """
            SELECT authorization_id, stan, transmission, attempts FROM acquirer_reversal
            WHERE NOT acknowledged AND parked_reason IS NULL AND resolution_note IS NULL
            ORDER BY authorization_id
            """
        ).map { row in
            let (id, stan, transmission, attempts) = try row.decode((Int64, String, String, Int64).self)
            return PendingReversal(
                authorizationID: id, stan: stan, transmission: transmission, attempts: Int(attempts))
        }
    }

    public func claimReversal(_ id: Int64, now: Date, leaseUntil: Date) async throws -> Int? {
        try await database.query(
            """
            UPDATE acquirer_reversal SET attempts = attempts + 1, lease_until = \(leaseUntil)
            WHERE authorization_id = \(id) AND NOT acknowledged AND parked_reason IS NULL
                AND resolution_note IS NULL AND (lease_until IS NULL OR lease_until <= \(now))
            RETURNING attempts - 1
            """
        ).first.map { Int(try $0.decode(Int64.self)) }
    }

    public func releaseReversal(_ id: Int64) async throws {
        try await database.query(
            "UPDATE acquirer_reversal SET lease_until = NULL WHERE authorization_id = \(id)")
    }

    public func acknowledge(_ id: Int64, responseCode: String) async throws {
        try await database.transaction { transaction in
            try await transaction.query(
                """
                UPDATE acquirer_reversal SET acknowledged = TRUE, response_code = \(responseCode), lease_until = NULL
                WHERE authorization_id = \(id)
                """)
            try await transaction.query(
                "UPDATE acquirer_authorization SET state = 'reversed' WHERE id = \(id)")
        }
    }

    public func park(_ id: Int64, reason: String, at date: Date) async throws {
        try await database.query(
            """
            UPDATE acquirer_reversal SET parked_reason = \(reason), parked_at = \(date), lease_until = NULL
            WHERE authorization_id = \(id) AND NOT acknowledged
            """)
    }

    public func reversalCounts() async throws -> [ReversalRecord.State: Int] {
        var counts: [ReversalRecord.State: Int] = [.pending: 0, .parked: 0]
        for row in try await database.query(
            """
            SELECT parked_reason IS NOT NULL AS parked, COUNT(*) FROM acquirer_reversal
            WHERE NOT acknowledged AND resolution_note IS NULL GROUP BY 1
            """)
        {
            let (parked, count) = try row.decode((Bool, Int64).self)
            counts[parked ? .parked : .pending] = Int(count)
        }
        return counts
    }

    public func reversals() async throws -> [ReversalRecord] {
        try await database.query(
            """
            SELECT r.authorization_id, a.order_id, a.merchant, a.amount, a.currency, a.masked_pan,
                r.attempts, r.acknowledged, r.parked_reason, r.resolution_note
            FROM acquirer_reversal r JOIN acquirer_authorization a ON a.id = r.authorization_id
            ORDER BY r.authorization_id
            """
        ).map { row in
            let (id, order, merchant, amount, currency, masked, attempts, acknowledged, parked, note) =
                try row.decode(
                    (Int64, String, String, Int64, String, String, Int64, Bool, String?, String?).self)
            let state = ReversalRecord.state(
                acknowledged: acknowledged, resolutionNote: note, parkedReason: parked)
            return ReversalRecord(
                authorizationID: id, orderID: order, merchant: merchant, amount: amount, currency: currency,
                maskedPAN: masked, state: state, attempts: Int(attempts),
                reason: state == .resolved ? note : state == .parked ? parked : nil)
        }.sorted(by: ReversalRecord.listOrder)
    }

    public func retryReversal(_ id: Int64) async throws {
        try await database.transaction { transaction in
            let state = try await Self.reversalState(transaction, id)
            guard state == .parked else { throw ReversalActionError.wrongState(id, state, action: "retried") }
            try await transaction.query(
                "UPDATE acquirer_reversal SET parked_reason = NULL, parked_at = NULL WHERE authorization_id = \(id)"
            )
        }
    }

    public func resolveReversal(_ id: Int64, note: String, at date: Date) async throws {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw ReversalActionError.emptyNote }
        try await database.transaction { transaction in
            let state = try await Self.reversalState(transaction, id)
            guard state == .parked || state == .pending else {
                throw ReversalActionError.wrongState(id, state, action: "resolved")
            }
            try await transaction.query(
                """
                UPDATE acquirer_reversal SET resolution_note = \(note), resolved_at = \(date)
                WHERE authorization_id = \(id)
                """)
            try await transaction.query(
                "UPDATE acquirer_authorization SET state = 'reversal_resolved' WHERE id = \(id)")
        }
    }

    static func reversalState(
        _ transaction: PostgresTransaction, _ id: Int64
    ) async throws -> ReversalRecord.State {
        guard
            let row = try await transaction.query(
                """
                SELECT acknowledged, parked_reason, resolution_note FROM acquirer_reversal
                WHERE authorization_id = \(id) FOR UPDATE
                """
            ).first
        else { throw ReversalActionError.unknown(id) }
        let (acknowledged, parked, note) = try row.decode((Bool, String?, String?).self)
        return ReversalRecord.state(acknowledged: acknowledged, resolutionNote: note, parkedReason: parked)
    }
}
