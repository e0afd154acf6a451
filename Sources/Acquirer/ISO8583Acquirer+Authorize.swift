import Foundation
import ISO8583
import PairPayCore

extension ISO8583Acquirer {
    public func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        let terminal = try Self.field(
            request.terminalID, width: 8, error: .invalidTerminalID(request.terminalID))
        let merchant = try Self.field(
            request.merchantID, width: 15, error: .invalidMerchantID(request.merchantID))
        let now = Date()
        let clock = ISODateTime(secondsSince1970: now.timeIntervalSince1970)
        let amount = request.amount
        let (id, stored) = try store.insertAuthorization { stan in
            StoredAuthorization(
                orderID: request.orderID, merchant: merchant, terminal: terminal, stan: stan,
                transmission: clock.transmission, rrn: clock.yearDigitDayOfYearHour + stan,
                amount: amount.minorUnits, currency: amount.currency.numericCodeString,
                maskedPAN: request.card.primaryAccountNumber.description, state: "sent")
        }
        let (stan, transmission, rrn) = (stored.stan, stored.transmission, stored.rrn)

        var message = ISOMessage(mti: .authorizationRequest)
        message[.primaryAccountNumber] = request.card.primaryAccountNumber.digits
        message[.processingCode] = "000000"
        message[.amount] = String(format: "%012lld", amount.minorUnits)
        message[.transmissionDateTime] = transmission
        message[.systemTraceAuditNumber] = stan
        message[.localTime] = clock.time
        message[.localDate] = clock.date
        message[.expirationDate] = request.card.expiry.yymm
        message[.posEntryMode] = "010"
        message[.acquiringInstitution] = configuration.acquiringInstitutionID
        message[.retrievalReferenceNumber] = rrn
        message[.terminalID] = terminal
        message[.merchantID] = merchant
        message[.additionalDataPrivate] = request.card.securityCode?.digits
        message[.currencyCode] = amount.currency.numericCodeString
        logger.info(
            "authorizing",
            metadata: [
                "authorization": "\(id)", "stan": "\(stan)", "amount": "\(amount)",
                "card-last4": "\(request.card.primaryAccountNumber.lastFour)",
            ])

        let reply: ISOMessage
        do {
            reply = try await connection.send(message, timeout: configuration.responseTimeout)
        } catch LinkError.notConnected {
            try store.finish(id, state: "not_sent", responseCode: nil, approvalCode: nil)
            return .issuerUnavailable
        } catch let error as LinkError {
            let reason: UnknownOutcomeReason = error == .timeout ? .timeout : .connectionLost
            logger.warning("authorization #\(id) outcome unknown (\(reason)): reversing")
            try queueReversal(of: id)
            await flushReversals()
            return .reversed(reason)
        }
        let code = reply[.responseCode] ?? "96"
        logger.info(
            "authorization answered", metadata: ["authorization": "\(id)", "response-code": "\(code)"])
        if code == "00" {
            let approvalCode = reply[.approvalCode] ?? ""
            try store.finish(id, state: "approved", responseCode: code, approvalCode: approvalCode)
            return .approved(
                Approval(
                    approvalCode: approvalCode,
                    retrievalReferenceNumber: reply[.retrievalReferenceNumber] ?? rrn,
                    reference: AuthorizationReference(id: id)))
        }
        try store.finish(id, state: "declined", responseCode: code, approvalCode: nil)
        if IssuerResponseCode.meansIssuerUnavailable(code) { return .issuerUnavailable }
        return .declined(IssuerResponseCode.declineReason(for: code) ?? .other(responseCode: code))
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
