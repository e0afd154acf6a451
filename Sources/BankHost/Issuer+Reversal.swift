import DurableSQLite
import GRDB
import ISO8583

extension Issuer {
    /// Decides a 0400/0401/0420/0421: releases the hold of the original authorization named by
    /// field 90. Releasing is idempotent; an original never seen is remembered, so that if it
    /// arrives late it is declined instead of held.
    func reverse(_ request: ISOMessage, in db: Database) throws -> ISOMessage {
        var response = request.response()
        var entry = EntryDraft(event: "reversal", request: request)
        func answer(_ code: String) throws -> ISOMessage {
            response[.responseCode] = code
            entry.responseCode = code
            try entry.insert(in: db, at: timestamp)
            return response
        }
        guard let original = request[.originalDataElements], original.utf8.count == 42,
            let terminal = request[.terminalID]
        else { return try answer(ResponseCodes.formatError) }
        let chars = Array(original)
        let stan = String(chars[4..<10])
        let transmission = String(chars[10..<20])
        entry.account = request[.primaryAccountNumber].flatMap { accounts.account(pan: $0) }

        if let hold = try Hold.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM hold WHERE terminal = ? AND stan = ? AND transmission = ?"),
            arguments: [terminal, stan, transmission])
        {
            entry.holdID = hold.id
            entry.approvalCode = hold.approvalCode
            // A captured authorization is posted money: only a refund gives it back.
            if hold.status == "captured" { return try answer(ResponseCodes.invalidTransaction) }
            if hold.status == "active" {
                try db.executeCached(
                    sql: "UPDATE hold SET status = 'released', released_at = ? WHERE id = ?",
                    arguments: [timestamp, hold.id])
            }
            return try answer(ResponseCodes.approved)
        }
        let answeredBefore =
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT 1 FROM answered_request WHERE terminal = ? AND stan = ? AND transmission = ?"
                ),
                arguments: [terminal, stan, transmission]) ?? false
        if answeredBefore {
            return try answer(ResponseCodes.approved)  // declined original: nothing was held
        }
        try db.executeCached(
            sql: "INSERT OR IGNORE INTO reversed_original (terminal, stan, transmission) VALUES (?, ?, ?)",
            arguments: [terminal, stan, transmission])
        return try answer(ResponseCodes.unableToLocateOriginal)
    }
}
