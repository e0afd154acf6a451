import DurableSQLite
import GRDB
import ISO8583

/// A ledger line being assembled while a request is decided.
struct EntryDraft {
    let event: String
    let request: ISOMessage
    var account: Account?
    var responseCode = ""
    var approvalCode: String?
    var holdID: Int64?
    /// The currency when no account gives it (a reconciliation).
    var currency: String?

    init(event: String, request: ISOMessage) {
        self.event = event
        self.request = request
    }

    func insert(in db: Database, at timestamp: String) throws {
        let masked = request[.primaryAccountNumber].map(ISOMessage.maskedPAN)
        try db.executeCached(
            sql: """
                INSERT INTO ledger_entry (at, event, mti, account_id, masked_pan, amount, currency, terminal,
                    stan, transmission, rrn, approval_code, response_code, hold_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                timestamp, event, request.mti.rawValue, account?.id, masked,
                request[.amount].flatMap { Int64($0) }, currency ?? account?.currency, request[.terminalID],
                request[.systemTraceAuditNumber], request[.transmissionDateTime],
                request[.retrievalReferenceNumber], approvalCode, responseCode, holdID,
            ])
    }
}
