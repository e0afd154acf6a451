import Foundation
import ISO8583
import PairPayCore

extension ISO8583Acquirer {
    public func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome {
        let id = request.authorization.id
        guard let authorization = try await store.authorization(id) else {
            throw AcquirerError.unknownAuthorization(id)
        }
        switch authorization.state {
        case "reversed", "reversal_resolved": return .acknowledged
        case "approved", "reversal_pending": break
        default: throw AcquirerError.notReversible(id, state: authorization.state)
        }
        do { try await queueReversal(of: id) } catch AcquirerError.captured { return .captured }
        await flushReversals()
        return try await store.authorization(id)?.state == "reversed" ? .acknowledged : .queued
    }

    /// Stores a reversal of authorization `id` so it is delivered even across restarts.
    func queueReversal(of id: Int64) async throws {
        try await store.queueReversal(of: id, transmission: Self.transmissionDateTime(Date()))
    }

    /// Sends every queued reversal: 0400 the first time, 0401 after that. Stops at the first one
    /// the link cannot deliver (the retry loop, or the next call, continues later). One that can
    /// never be sent as it is (it cannot be encoded, or its authorization is missing) is parked,
    /// logged at critical and skipped: it never holds up the others.
    public func flushReversals() async {
        let pending: [PendingReversal]
        do { pending = try await store.unacknowledgedReversals() } catch {
            logger.error("cannot read pending reversals: \(error)")
            return
        }
        for reversal in pending {
            let id = reversal.authorizationID
            let original: StoredAuthorization
            do {
                guard let found = try await store.authorization(id) else {
                    await park(reversal, reason: "its authorization #\(id) is not in the acquirer's store")
                    continue
                }
                original = found
            } catch {
                logger.error("cannot read authorization #\(id) to reverse it: \(error); will repeat")
                return
            }
            // Checked before claiming, so a reversal that can never go out is parked, not counted.
            do {
                _ = try codec.encode(
                    Self.reversalMessage(
                        .reversalRequest, reversal, original, acquirer: configuration.acquiringInstitutionID))
            } catch {
                await park(reversal, reason: "cannot be encoded: \(error)")
                continue
            }
            // Claimed (and the attempt counted) before it is sent: another flush, here or in another
            // instance, skips it until this one is done with it.
            let now = Date()
            let previousAttempts: Int
            do {
                guard
                    let claimed = try await store.claimReversal(
                        id, now: now, leaseUntil: now.addingTimeInterval(configuration.reversalLease))
                else { continue }
                previousAttempts = claimed
            } catch {
                logger.error("cannot claim the reversal of authorization #\(id): \(error); will repeat")
                return
            }
            let mti: MessageTypeIndicator = previousAttempts == 0 ? .reversalRequest : .reversalRequestRepeat
            let message = Self.reversalMessage(
                mti, reversal, original, acquirer: configuration.acquiringInstitutionID)
            do {
                let bytes = try codec.encode(message)
                let reply = try await connection.send(
                    message, bytes: bytes, timeout: configuration.responseTimeout)
                let code = reply[.responseCode] ?? ""
                try await store.acknowledge(id, responseCode: code)
                logger.info(
                    "reversal acknowledged",
                    metadata: ["authorization": "\(id)", "mti": "\(mti)", "response-code": "\(code)"])
            } catch {
                logger.notice("reversal of authorization #\(id) not delivered yet (\(error)); will repeat")
                try? await store.releaseReversal(id)
                return
            }
        }
    }

    /// Parks a reversal that cannot be sent as it is, loudly: the customer's hold stays at the
    /// bank until the operator acts.
    func park(_ reversal: PendingReversal, reason: String) async {
        let id = reversal.authorizationID
        do {
            try await store.park(id, reason: reason, at: Date())
            logger.critical(
                "reversal of authorization #\(id) PARKED: \(reason). The hold stays at the bank until an operator acts: `pairpay reversals list`, then `retry` or `resolve`"
            )
        } catch {
            logger.critical(
                "reversal of authorization #\(id) cannot be sent (\(reason)) nor parked: \(error)")
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
        message[.originalDataElements] = original.originalDataElements(acquirer: acquirer)
        return message
    }
}
