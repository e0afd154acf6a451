import DurableSQLite
import GRDB
import ISO8583
import PairPayCore

extension Issuer {
    /// What moved money at this host, counted by the acquirer reconciliation.
    enum PostingKind: String {
        /// A hold turned into a posted debit (0220).
        case capture
        /// Posted money credited back (0200, processing code `20`).
        case refund
    }

    static let reconciliationFields: [ISOField] = [
        .transmissionDateTime, .systemTraceAuditNumber, .terminalID, .merchantID, .currencyCode,
        .creditsNumber,
        .debitsNumber, .creditsAmount, .debitsAmount,
    ]

    /// Records money moved by a capture or refund, in the open reconciliation of the terminal
    /// and merchant (field 42 of `request`) of its authorization.
    func post(
        _ kind: PostingKind, of hold: Hold, amount: Int64, for request: ISOMessage, in db: Database
    ) throws {
        try db.executeCached(
            sql: """
                INSERT INTO posting (kind, hold_id, terminal, merchant, currency, amount, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                kind.rawValue, hold.id, hold.terminal, request[.merchantID] ?? "", hold.currency, amount,
                timestamp,
            ])
    }

    /// Decides a 0500/0501 (acquirer reconciliation request): every posting of field 41's terminal
    /// and field 42's merchant in field 49's currency not reconciled yet is closed into this reconciliation, and the host's
    /// own totals are answered in fields 74 (refunds), 76 (captures), 86 and 88 (their amounts) with
    /// 00 when they equal the acquirer's, 95 (reconcile error) when they differ. A repeat gets the
    /// stored answer (as every request does), so a reconciliation is closed once.
    func reconcile(_ request: ISOMessage, in db: Database) throws -> ISOMessage {
        var response = request.response()
        var entry = EntryDraft(event: "reconciliation", request: request)
        func answer(_ code: String) throws -> ISOMessage {
            response[.responseCode] = code
            entry.responseCode = code
            try entry.insert(in: db, at: timestamp)
            return response
        }
        guard Self.reconciliationFields.allSatisfy({ request[$0] != nil }),
            let terminal = request[.terminalID], let merchant = request[.merchantID],
            let numeric = Int(request[.currencyCode] ?? ""),
            let currency = try? Currency(numericCode: numeric),
            let refunds = Int64(request[.creditsNumber] ?? ""),
            let captures = Int64(request[.debitsNumber] ?? ""),
            let refunded = Int64(request[.creditsAmount] ?? ""),
            let captured = Int64(request[.debitsAmount] ?? "")
        else { return try answer(ResponseCodes.formatError) }
        entry.currency = currency.code
        var own: [PostingKind: (count: Int64, amount: Int64)] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT kind, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM posting
                    WHERE terminal = ? AND merchant = ? AND currency = ? AND reconciliation_id IS NULL GROUP BY kind
                    """), arguments: [terminal, merchant, currency.code])
        {
            if let kind = PostingKind(rawValue: row["kind"]) { own[kind] = (row["n"], row["total"]) }
        }
        let bankCaptures = own[.capture] ?? (0, 0)
        let bankRefunds = own[.refund] ?? (0, 0)
        let balanced =
            bankCaptures.count == captures && bankCaptures.amount == captured && bankRefunds.count == refunds
            && bankRefunds.amount == refunded
        let code = balanced ? ResponseCodes.approved : ResponseCodes.reconcileError
        try db.executeCached(
            sql: """
                INSERT INTO reconciliation (terminal, merchant, currency, captured_count, captured_amount,
                    refunded_count, refunded_amount, response_code, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                terminal, merchant, currency.code, bankCaptures.count, bankCaptures.amount, bankRefunds.count,
                bankRefunds.amount, code, timestamp,
            ])
        try db.executeCached(
            sql: """
                UPDATE posting SET reconciliation_id = ?
                WHERE terminal = ? AND merchant = ? AND currency = ? AND reconciliation_id IS NULL
                """, arguments: [db.lastInsertedRowID, terminal, merchant, currency.code])
        response[.debitsNumber] = String(format: "%010lld", bankCaptures.count)
        response[.debitsAmount] = String(format: "%016lld", bankCaptures.amount)
        response[.creditsNumber] = String(format: "%010lld", bankRefunds.count)
        response[.creditsAmount] = String(format: "%016lld", bankRefunds.amount)
        if !balanced {
            logger.warning(
                "reconciliation out of balance",
                metadata: [
                    "terminal": "\(terminal)", "currency": "\(currency.code)",
                    "acquirer": "\(captures)/\(captured) captured, \(refunds)/\(refunded) refunded",
                    "host":
                        "\(bankCaptures.count)/\(bankCaptures.amount) captured, \(bankRefunds.count)/\(bankRefunds.amount) refunded",
                ])
        }
        return try answer(code)
    }
}
