import DurableSQLite
import GRDB
import ISO8583

extension Issuer {
    static let captureFields: [ISOField] = [
        .processingCode, .amount, .transmissionDateTime, .systemTraceAuditNumber, .terminalID, .currencyCode,
        .originalDataElements,
    ]

    /// Decides a 0220/0221 (completion advice): turns the hold of the authorization named by
    /// field 90 into a posted amount of field 4 (at most the hold; the rest is released). Capturing
    /// a captured hold again is approved and changes nothing, so a capture may be repeated freely.
    func capture(_ request: ISOMessage, in db: Database) throws -> ISOMessage {
        var response = request.response()
        var entry = EntryDraft(event: "capture", request: request)
        func answer(_ code: String) throws -> ISOMessage {
            response[.responseCode] = code
            entry.responseCode = code
            try entry.insert(in: db, at: timestamp)
            return response
        }
        guard Self.captureFields.allSatisfy({ request[$0] != nil }),
            let amount = Int64(request[.amount] ?? ""), let original = OriginalReference(request)
        else { return try answer(ResponseCodes.formatError) }
        guard let hold = try original.hold(in: db) else {
            return try answer(ResponseCodes.unableToLocateOriginal)
        }
        entry.holdID = hold.id
        entry.approvalCode = hold.approvalCode
        entry.account = accounts.account(id: hold.accountID)
        switch hold.status {
        case "captured":
            return try answer(
                hold.capturedAmount == amount ? ResponseCodes.approved : ResponseCodes.invalidAmount)
        case "active":
            guard amount >= 1, amount <= hold.amount,
                request[.currencyCode] == Self.numericCurrency(hold.currency)
            else { return try answer(ResponseCodes.invalidAmount) }
            try db.executeCached(
                sql: "UPDATE hold SET status = 'captured', captured_amount = ?, captured_at = ? WHERE id = ?",
                arguments: [amount, timestamp, hold.id])
            try post(.capture, of: hold, amount: amount, for: request, in: db)
            return try answer(ResponseCodes.approved)
        default:  // released: reversed before it was captured
            return try answer(ResponseCodes.invalidTransaction)
        }
    }
}
