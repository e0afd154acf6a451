import Foundation
import ISO8583
import PairPayCore

extension ISO8583Acquirer {
    public func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome {
        let id = request.authorization.id
        guard let authorization = try store.authorization(id) else {
            throw AcquirerError.unknownAuthorization(id)
        }
        switch authorization.state {
        case "reversed": return .acknowledged
        case "approved", "reversal_pending": break
        default: throw AcquirerError.notReversible(id, state: authorization.state)
        }
        try queueReversal(of: id)
        await flushReversals()
        return try store.authorization(id)?.state == "reversed" ? .acknowledged : .queued
    }

    /// Stores a reversal of authorization `id` so it is delivered even across restarts.
    func queueReversal(of id: Int64) throws {
        try store.queueReversal(of: id, transmission: Self.transmissionDateTime(Date()))
    }

    /// Sends every unacknowledged reversal: 0400 the first time, 0401 after that. Stops at the first
    /// one the link cannot deliver; the retry loop (or the next call) continues later.
    public func flushReversals() async {
        let pending: [PendingReversal]
        do { pending = try store.unacknowledgedReversals() } catch {
            logger.error("cannot read pending reversals: \(error)")
            return
        }
        for reversal in pending {
            do {
                guard let original = try store.authorization(reversal.authorizationID) else { continue }
                let mti: MessageTypeIndicator =
                    reversal.attempts == 0 ? .reversalRequest : .reversalRequestRepeat
                try store.countAttempt(reversal.authorizationID)
                let reply = try await connection.send(
                    Self.reversalMessage(
                        mti, reversal, original, acquirer: configuration.acquiringInstitutionID),
                    timeout: configuration.responseTimeout)
                let code = reply[.responseCode] ?? ""
                try store.acknowledge(reversal.authorizationID, responseCode: code)
                logger.info(
                    "reversal acknowledged",
                    metadata: [
                        "authorization": "\(reversal.authorizationID)", "mti": "\(mti)",
                        "response-code": "\(code)",
                    ])
            } catch {
                logger.notice(
                    "reversal of authorization #\(reversal.authorizationID) not delivered yet (\(error)); will repeat"
                )
                return
            }
        }
    }

    static func reversalMessage(
        _ mti: MessageTypeIndicator, _ reversal: PendingReversal, _ original: StoredAuthorization,
        acquirer: String
    ) -> ISOMessage {
        var message = ISOMessage(mti: mti)
        message[.processingCode] = "000000"
        message[.amount] = String(format: "%012lld", original.amount)
        message[.transmissionDateTime] = reversal.transmission
        message[.systemTraceAuditNumber] = reversal.stan
        message[.acquiringInstitution] = acquirer
        message[.retrievalReferenceNumber] = original.rrn
        message[.terminalID] = original.terminal
        message[.merchantID] = original.merchant
        message[.currencyCode] = original.currency
        let paddedAcquirer = String(repeating: "0", count: max(0, 11 - acquirer.count)) + acquirer
        message[.originalDataElements] =
            "0100" + original.stan + original.transmission + paddedAcquirer
            + String(repeating: "0", count: 11)
        return message
    }
}
