import DurableSQLite
import GRDB
import ISO8583
import PairPayCore

extension Issuer {
    static let refundFields: [ISOField] = [
        .processingCode, .amount, .transmissionDateTime, .systemTraceAuditNumber, .terminalID, .currencyCode,
        .originalDataElements,
    ]

    /// Whether a 0200/0201 is a refund (processing code `20xxxx`) rather than a purchase.
    static func isRefund(_ request: ISOMessage) -> Bool {
        request.mti.messageClass == 2 && request[.processingCode]?.hasPrefix("20") == true
    }

    /// Decides a referenced refund (0200/0201, processing code `20xxxx`): credits field 4 back to
    /// the card of the captured authorization named by field 90. The refunds of one capture never
    /// add up to more than it (13 otherwise); a refund of a hold not captured is 12.
    func refund(_ request: ISOMessage, in db: Database) throws -> ISOMessage {
        var response = request.response()
        var entry = EntryDraft(event: "refund", request: request)
        func answer(_ code: String) throws -> ISOMessage {
            response[.responseCode] = code
            entry.responseCode = code
            try entry.insert(in: db, at: timestamp)
            return response
        }
        guard Self.refundFields.allSatisfy({ request[$0] != nil }),
            let amount = Int64(request[.amount] ?? ""), let original = OriginalReference(request)
        else { return try answer(ResponseCodes.formatError) }
        guard let hold = try original.hold(in: db) else {
            return try answer(ResponseCodes.unableToLocateOriginal)
        }
        entry.holdID = hold.id
        entry.account = accounts.account(id: hold.accountID)
        guard hold.status == "captured" else { return try answer(ResponseCodes.invalidTransaction) }
        guard amount >= 1, amount <= hold.capturedAmount - hold.refundedAmount,
            request[.currencyCode] == Self.numericCurrency(hold.currency)
        else { return try answer(ResponseCodes.invalidAmount) }
        try db.executeCached(
            sql: "UPDATE hold SET refunded_amount = refunded_amount + ? WHERE id = ?",
            arguments: [amount, hold.id])
        try post(.refund, of: hold, amount: amount, for: request, in: db)
        let sequence =
            (try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_entry")))
            ?? 1
        let approvalCode = Self.approvalCode(for: sequence)
        entry.approvalCode = approvalCode
        response[.approvalCode] = approvalCode
        return try answer(ResponseCodes.approved)
    }

    /// The ISO 4217 numeric code (field 49) of an alphabetic currency code; nil when unknown.
    static func numericCurrency(_ code: String) -> String? {
        (try? Currency(code: code))?.numericCodeString
    }
}
