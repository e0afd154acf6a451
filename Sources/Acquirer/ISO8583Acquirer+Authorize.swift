import Foundation
import ISO8583
import PairPayCore

extension ISO8583Acquirer {
    public func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        let terminal = try Self.field(
            request.terminalID, width: 8, error: .invalidTerminalID(request.terminalID))
        let merchant = try Self.field(
            request.merchantID, width: 15, error: .invalidMerchantID(request.merchantID))
        guard Money.isPayable(minorUnits: request.amount.minorUnits) else {
            throw AcquirerError.amountNotPayable(request.amount.minorUnits)
        }
        let now = Date()
        let clock = ISODateTime(secondsSince1970: now.timeIntervalSince1970)
        let amount = request.amount
        let (acquirer, codec) = (configuration.acquiringInstitutionID, codec)
        // Encoded inside the transaction that records it: a message the codec refuses throws
        // there, so neither the authorization nor its STAN is recorded, and nothing is left for a
        // restart to "reverse" that could never have been sent.
        let deadline = configuration.takeOverDeadline(sentAt: now)
        let (id, stored, (message, bytes)) = try await store.insertAuthorization(recoverAfter: deadline) {
            stan in
            let stored = StoredAuthorization(
                orderID: request.orderID, merchant: merchant, terminal: terminal, stan: stan,
                transmission: clock.transmission, rrn: clock.yearDigitDayOfYearHour + stan,
                amount: amount.minorUnits, currency: amount.currency.numericCodeString,
                maskedPAN: request.card.primaryAccountNumber.description, state: "sent")
            let message = Self.authorizationMessage(request, stored, clock: clock, acquirer: acquirer)
            do throws(ISO8583Error) {
                return (stored, (message, try codec.encode(message)))
            } catch {
                throw AcquirerError.unencodable(error)
            }
        }
        let stan = stored.stan
        let rrn = stored.rrn

        logger.info(
            "authorizing",
            metadata: [
                "authorization": "\(id)", "stan": "\(stan)", "amount": "\(amount)",
                "card-last4": "\(request.card.primaryAccountNumber.lastFour)",
            ])

        let reply: ISOMessage
        do {
            reply = try await connection.send(message, bytes: bytes, timeout: configuration.responseTimeout)
        } catch LinkError.notConnected {
            guard try await store.finish(id, state: "not_sent", responseCode: nil, approvalCode: nil) else {
                return .reversed(.timeout)  // overdue, taken over and being reversed by an instance
            }
            return .issuerUnavailable
        } catch {
            // Sent, or perhaps sent: only a reversal makes sure no hold is left behind.
            let reason: UnknownOutcomeReason = (error as? LinkError) == .timeout ? .timeout : .connectionLost
            logger.warning("authorization #\(id) outcome unknown (\(reason)): reversing")
            try await queueReversal(of: id)
            await flushReversals()
            return .reversed(reason)
        }
        let code = reply[.responseCode] ?? "96"
        logger.info(
            "authorization answered", metadata: ["authorization": "\(id)", "response-code": "\(code)"])
        if code == "00" {
            let approvalCode = reply[.approvalCode] ?? ""
            guard
                try await store.finish(id, state: "approved", responseCode: code, approvalCode: approvalCode)
            else {
                // The answer came after the deadline: another instance (or this one's retry loop)
                // already took the authorization over and is reversing it. Never report an
                // approval whose hold is being released.
                logger.warning("authorization #\(id) approved after its deadline: it is being reversed")
                return .reversed(.timeout)
            }
            return .approved(
                Approval(
                    approvalCode: approvalCode,
                    retrievalReferenceNumber: reply[.retrievalReferenceNumber] ?? rrn,
                    reference: AuthorizationReference(id: id)))
        }
        guard try await store.finish(id, state: "declined", responseCode: code, approvalCode: nil) else {
            return .reversed(.timeout)  // taken over as overdue; reversing a decline releases nothing
        }
        if IssuerResponseCode.meansIssuerUnavailable(code) { return .issuerUnavailable }
        return .declined(IssuerResponseCode.declineReason(for: code) ?? .other(responseCode: code))
    }

    /// The 0100 for `request` as recorded in `stored`.
    static func authorizationMessage(
        _ request: AuthorizationRequest, _ stored: StoredAuthorization, clock: ISODateTime, acquirer: String
    ) -> ISOMessage {
        var message = ISOMessage(mti: .authorizationRequest)
        message[.primaryAccountNumber] = request.card.primaryAccountNumber.digits
        message[.processingCode] = "000000"
        message[.amount] = String(format: "%012lld", stored.amount)
        message[.transmissionDateTime] = stored.transmission
        message[.systemTraceAuditNumber] = stored.stan
        message[.localTime] = clock.time
        message[.localDate] = clock.date
        message[.expirationDate] = request.card.expiry.yymm
        message[.posEntryMode] = "010"
        message[.acquiringInstitution] = acquirer
        message[.retrievalReferenceNumber] = stored.rrn
        message[.terminalID] = stored.terminal
        message[.merchantID] = stored.merchant
        message[.additionalDataPrivate] = request.card.securityCode?.digits
        message[.currencyCode] = stored.currency
        return message
    }

    /// A value left-justified and space-padded to a fixed ISO 8583 width.
    /// A merchant id as the acquirer sends and stores it (field 42: padded with spaces to 15
    /// characters), or `nil` when it cannot be sent at all. Look stored authorizations up by this.
    public static func fieldMerchantID(_ merchantID: String) -> String? {
        try? field(merchantID, width: 15, error: .invalidMerchantID(merchantID))
    }

    static func field(_ value: String, width: Int, error: AcquirerError) throws(AcquirerError) -> String {
        guard !value.isEmpty, value.utf8.count <= width, value.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E })
        else {
            throw error
        }
        return value + String(repeating: " ", count: width - value.utf8.count)
    }
}

extension ISO8583Acquirer {
    /// The stored authorization's RRN, STAN and terminal.
    public func receiptReferences(of authorization: AuthorizationReference) async -> AuthorizationReceipt? {
        guard let stored = try? await store.authorization(authorization.id) else { return nil }
        return AuthorizationReceipt(
            rrn: stored.rrn, stan: stored.stan,
            terminalID: stored.terminal.trimmingCharacters(in: .whitespaces))
    }
}
