import Foundation
import ISO8583
import PairPayCore

extension ISO8583Acquirer {
    public func reconcile(
        acquirerMerchantID: String, terminalID: String, batchID: String, currencies: Set<Currency>
    ) async throws -> [TerminalReconciliation] {
        let merchant = try Self.field(
            acquirerMerchantID, width: 15, error: .invalidMerchantID(acquirerMerchantID))
        let terminal = try Self.field(terminalID, width: 8, error: .invalidTerminalID(terminalID))
        // Every capture and refund stored so far goes out first: the bank counts what it has.
        await flushPostSales()
        var results: [TerminalReconciliation] = []
        for currency in currencies.sorted(by: { $0.code < $1.code }) {
            let numeric = currency.numericCodeString
            var record = try await store.openReconciliation(
                batchID: batchID, terminal: terminal, merchant: merchant, currency: numeric,
                transmission: ISODateTime(secondsSince1970: Date().timeIntervalSince1970).transmission)
            if record.responseCode == nil {
                record = try await ask(record)
            }
            let state: ReconciliationState =
                switch record.responseCode {
                case nil: .unanswered
                case "00": .balanced
                default: .outOfBalance
                }
            results.append(
                TerminalReconciliation(
                    terminalID: terminalID, currency: currency, state: state, acquirer: record.acquirer,
                    bank: record.bank))
        }
        return results
    }

    /// Sends the 0500 (a repeat as 0501 with the same STAN and field 7) and stores the answer; the
    /// record as it stands afterwards (unanswered when the link or the bank failed).
    func ask(_ record: ReconciliationRecord) async throws -> ReconciliationRecord {
        let previous = try await store.countReconciliationAttempt(
            batchID: record.batchID, terminal: record.terminal, currency: record.currency)
        var request = ISOMessage(
            mti: previous > 0 ? MessageTypeIndicator.reconciliationRequest.repeated : .reconciliationRequest)
        request[.transmissionDateTime] = record.transmission
        request[.systemTraceAuditNumber] = record.stan
        request[.acquiringInstitution] = configuration.acquiringInstitutionID
        request[.terminalID] = record.terminal
        request[.merchantID] = record.merchant
        request[.currencyCode] = record.currency
        request[.debitsNumber] = String(format: "%010lld", record.acquirer.capturedCount)
        request[.debitsAmount] = String(format: "%016lld", record.acquirer.capturedAmount)
        request[.creditsNumber] = String(format: "%010lld", record.acquirer.refundedCount)
        request[.creditsAmount] = String(format: "%016lld", record.acquirer.refundedAmount)
        let reply: ISOMessage
        do {
            reply = try await connection.send(
                request, bytes: try codec.encode(request), timeout: configuration.responseTimeout)
        } catch {
            logger.notice("reconciliation of batch \(record.batchID) not answered yet (\(error))")
            return record
        }
        let code = reply[.responseCode] ?? ""
        guard code == "00" || code == "95",
            let captures = reply[.debitsNumber].flatMap({ Int64($0) }),
            let captured = reply[.debitsAmount].flatMap({ Int64($0) }),
            let refunds = reply[.creditsNumber].flatMap({ Int64($0) }),
            let refunded = reply[.creditsAmount].flatMap({ Int64($0) })
        else {
            logger.error(
                "reconciliation of batch \(record.batchID) answered \(code) without totals; will ask again")
            return record
        }
        let bank = HostTotals(
            capturedCount: captures, capturedAmount: captured, refundedCount: refunds,
            refundedAmount: refunded)
        try await store.answerReconciliation(
            batchID: record.batchID, terminal: record.terminal, currency: record.currency, bank: bank,
            responseCode: code)
        if code != "00" {
            logger.warning(
                "bank counts otherwise for batch \(record.batchID) at terminal \(record.terminal) in \(record.currency)"
            )
        }
        return try await store.reconciliation(
            batchID: record.batchID, terminal: record.terminal, currency: record.currency) ?? record
    }
}
