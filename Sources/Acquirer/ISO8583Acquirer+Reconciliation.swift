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
        // One still waiting for the bank's answer may be posted there already: both sides count
        // only once every answer is in, or they would count it in different reconciliations.
        let waiting = try await store.hasPendingPostSales(terminal: terminal, merchant: merchant)
        var results: [TerminalReconciliation] = []
        for currency in currencies.sorted(by: { $0.code < $1.code }) {
            let key = ReconciliationKey(
                batchID: batchID, terminal: terminal, merchant: merchant, currency: currency.numericCodeString
            )
            var record = try await store.reconciliation(key)
            if record == nil, waiting {
                logger.notice(
                    "reconciliation of batch \(batchID) at terminal \(terminalID) waits: captures or refunds are not answered yet"
                )
                results.append(
                    TerminalReconciliation(
                        terminalID: terminalID, currency: currency, state: .unanswered,
                        acquirer: HostTotals(),
                        bank: nil))
                continue
            }
            if record == nil {
                record = try await store.openReconciliation(
                    key,
                    transmission: ISODateTime(secondsSince1970: Date().timeIntervalSince1970).transmission)
            }
            guard var open = record else { continue }
            if open.responseCode == nil { open = try await ask(open) }
            let state: ReconciliationState =
                switch open.responseCode {
                case nil: .unanswered
                case "00": .balanced
                case "95": .outOfBalance
                default: .refused
                }
            results.append(
                TerminalReconciliation(
                    terminalID: terminalID, currency: currency, state: state, acquirer: open.acquirer,
                    bank: state == .refused ? nil : open.bank, responseCode: open.responseCode))
        }
        return results
    }

    /// Sends the 0500 (a repeat as 0501 with the same STAN and field 7) and stores the answer; the
    /// record as it stands afterwards (unanswered when the link or the bank failed).
    func ask(_ record: ReconciliationRecord) async throws -> ReconciliationRecord {
        let previous = try await store.countReconciliationAttempt(record.key)
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
        guard code == "00" || code == "95" else {
            // A refusal of the reconciliation itself (30, 94, …): its repeat would be answered the
            // same from the bank's record, so it is stored as the answer.
            logger.error(
                "the bank refused the reconciliation of batch \(record.batchID) at terminal \(record.terminal) (\(code))"
            )
            try await store.answerReconciliation(
                record.key, bank: HostTotals(), responseCode: code.isEmpty ? "??" : code)
            return try await store.reconciliation(record.key) ?? record
        }
        guard let captures = reply[.debitsNumber].flatMap({ Int64($0) }),
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
        try await store.answerReconciliation(record.key, bank: bank, responseCode: code)
        if code != "00" {
            logger.warning(
                "bank counts otherwise for batch \(record.batchID) at terminal \(record.terminal) in \(record.currency)"
            )
        }
        return try await store.reconciliation(record.key) ?? record
    }
}
