import DurableSQLite
import Foundation
import GRDB
import ISO8583
import PairPayCore

extension Issuer {
    static let authorizationFields: [ISOField] = [
        .primaryAccountNumber, .processingCode, .amount, .transmissionDateTime, .systemTraceAuditNumber,
        .expirationDate, .terminalID, .currencyCode,
    ]

    /// Decides a 0100/0101 (or 0200/0201) and places the hold when approving. Runs inside the
    /// transaction that also stores the answer.
    func authorize(_ request: ISOMessage, unavailable: Bool, in db: Database) throws -> ISOMessage {
        var response = request.response()
        var entry = EntryDraft(event: "authorization", request: request)
        func answer(_ code: String) throws -> ISOMessage {
            response[.responseCode] = code
            entry.responseCode = code
            try entry.insert(in: db, at: timestamp)
            return response
        }

        guard Self.authorizationFields.allSatisfy({ request[$0] != nil }),
            let amount = Int64(request[.amount] ?? "")
        else { return try answer(ResponseCodes.formatError) }
        if unavailable { return try answer(ResponseCodes.issuerUnavailable) }

        let pan = request[.primaryAccountNumber]!
        guard PrimaryAccountNumber.passesLuhn(pan), let account = accounts.account(pan: pan) else {
            return try answer(ResponseCodes.invalidCardNumber)
        }
        entry.account = account
        let currency = try Currency(code: account.currency)
        let terminal = request[.terminalID]!
        let stan = request[.systemTraceAuditNumber]!
        let transmission = request[.transmissionDateTime]!
        if try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT 1 FROM reversed_original WHERE terminal = ? AND stan = ? AND transmission = ?"),
            arguments: [terminal, stan, transmission]) == true
        {
            return try answer(ResponseCodes.doNotHonour)  // reversed before it arrived: never hold it
        }
        if account.blocked || request[.currencyCode] != currency.numericCodeString {
            return try answer(ResponseCodes.doNotHonour)
        }
        if account.expiry < Self.yymm(now()) || request[.expirationDate] != account.expiry {
            return try answer(ResponseCodes.expiredCard)
        }
        if let cvc = request[.additionalDataPrivate], cvc != account.cvc {
            return try answer(ResponseCodes.incorrectCVC)
        }
        if let perTransaction = account.perTransactionLimit, amount > perTransaction {
            return try answer(ResponseCodes.exceedsWithdrawalLimit)
        }
        let held =
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COALESCE(SUM(CASE status WHEN 'active' THEN amount
                            WHEN 'captured' THEN captured_amount - refunded_amount ELSE 0 END), 0)
                        FROM hold WHERE account_id = ?
                        """),
                arguments: [account.id]) ?? 0
        guard amount <= account.limit - held else { return try answer(ResponseCodes.insufficientFunds) }

        let rrn = request[.retrievalReferenceNumber] ?? ""
        try db.executeCached(
            sql: """
                INSERT INTO hold (account_id, masked_pan, amount, currency, terminal, stan, transmission,
                                  rrn, approval_code, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 'active', ?)
                """,
            arguments: [
                account.id, account.maskedPAN, amount, account.currency, terminal, stan, transmission, rrn,
                timestamp,
            ])
        let holdID = db.lastInsertedRowID
        let approvalCode = Self.approvalCode(for: holdID)
        let finalRRN = rrn.isEmpty ? String(format: "%012lld", holdID) : rrn
        try db.executeCached(
            sql: "UPDATE hold SET approval_code = ?, rrn = ? WHERE id = ?",
            arguments: [approvalCode, finalRRN, holdID])
        response[.approvalCode] = approvalCode
        response[.retrievalReferenceNumber] = finalRRN
        entry.approvalCode = approvalCode
        entry.holdID = holdID
        return try answer(ResponseCodes.approved)
    }

    /// Six characters, unique per hold: `A` and five digits, then letters for larger numbers.
    static func approvalCode(for holdID: Int64) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        var value = holdID
        var code = ""
        for _ in 0..<6 {
            code = String(alphabet[Int(value % Int64(alphabet.count))]) + code
            value /= Int64(alphabet.count)
        }
        return code
    }

    static func yymm(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return String(format: "%02d%02d", (parts.year ?? 2000) % 100, parts.month ?? 1)
    }
}
