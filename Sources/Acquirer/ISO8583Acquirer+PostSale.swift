import Foundation
import ISO8583
import PairPayCore

extension ISO8583Acquirer: PostSaleAcquirer {
    public func capture(_ authorization: AuthorizationReference) async throws -> PostSaleOutcome {
        try await send(draft(.capture, of: authorization.id, key: "capture", amount: 0))
    }

    public func refund(
        _ authorization: AuthorizationReference, key: String, amount: Int64
    ) async throws
        -> PostSaleOutcome
    {
        guard Money.isPayable(minorUnits: amount) else { return .refused(.invalidAmount) }
        // A sale not captured yet (end-of-day capture) is captured first: the refund is a credit of
        // posted money, and the card statement shows the sale and the refund.
        if try await store.postSales(authorizationID: authorization.id).first(where: { $0.kind == .capture })
            == nil
        {
            switch try await capture(authorization) {
            case .refused(let reason): return .refused(reason)
            // The capture's code is not the refund's: nothing was posted, so nothing can go back.
            case .declined(let code):
                return .refused(.notApproved(state: "not captured (the bank answered \(code))"))
            case .approved, .pending: break
            }
        }
        return try await send(draft(.refund, of: authorization.id, key: key, amount: amount))
    }

    public func uncapturedSales(acquirerMerchantID: String) async throws -> [UncapturedSale] {
        let merchant = try Self.field(
            acquirerMerchantID, width: 15, error: .invalidMerchantID(acquirerMerchantID))
        return try await store.uncapturedAuthorizations(merchant: merchant).compactMap { authorization in
            guard let id = authorization.id else { return nil }
            let currency = try Currency(numericCode: Int(authorization.currency) ?? 0)
            return UncapturedSale(
                authorization: AuthorizationReference(id: id), orderID: authorization.orderID,
                amount: Money(minorUnits: authorization.amount, currency: currency))
        }
    }

    func draft(_ kind: PostSaleMessage.Kind, of id: Int64, key: String, amount: Int64) -> PostSaleDraft {
        let clock = ISODateTime(secondsSince1970: Date().timeIntervalSince1970)
        return PostSaleDraft(
            kind: kind, authorizationID: id, key: key, amount: amount, transmission: clock.transmission,
            rrnPrefix: clock.yearDigitDayOfYearHour)
    }

    /// Stores the message (or finds it stored), sends what is pending, and reports where it is.
    func send(_ draft: PostSaleDraft) async throws -> PostSaleOutcome {
        let message: PostSaleMessage
        switch try await store.insertPostSale(draft) {
        case .inserted(let stored), .existing(let stored): message = stored
        case .refused(let reason): return .refused(Self.refusal(reason))
        }
        if message.state == .pending { await flushPostSales() }
        let now = try await store.postSales(authorizationID: draft.authorizationID).first {
            $0.id == message.id
        }
        return Self.outcome(now ?? message)
    }

    static func outcome(_ message: PostSaleMessage) -> PostSaleOutcome {
        switch message.state {
        case .pending: return .pending
        case .approved: return .approved(approvalCode: message.approvalCode)
        case .declined: return .declined(responseCode: message.responseCode ?? "")
        }
    }

    static func refusal(_ reason: PostSaleRefusalReason) -> PostSaleRefusal {
        switch reason {
        case .notApproved(let state): return .notApproved(state: state)
        case .notCaptured: return .notApproved(state: "not captured")
        case .exceedsCaptured(let remaining): return .exceedsCaptured(remaining: remaining)
        case .keyReused: return .keyReused
        }
    }

    /// Sends every capture and refund not answered yet: the first time as 0220 or 0200, after that
    /// as the repeat 0221 or 0201 with the same STAN and field 7, so the bank applies each once.
    /// A refund waits until its sale's capture is answered. Stops at the first the link cannot
    /// deliver (the retry loop, or the next call, continues).
    public func flushPostSales() async {
        let pending: [PostSaleMessage]
        do { pending = try await store.pendingPostSales() } catch {
            logger.error("cannot read pending captures and refunds: \(error)")
            return
        }
        for message in pending {
            do {
                guard let original = try await store.authorization(message.authorizationID) else { continue }
                if message.kind == .refund {
                    let capture = try await store.postSales(authorizationID: message.authorizationID).first {
                        $0.kind == .capture
                    }
                    guard capture?.state == .approved else {
                        if capture?.state == .declined {
                            // Nothing was posted, so nothing can be given back.
                            try await store.answerPostSale(
                                message.id, state: .declined, responseCode: "12", approvalCode: nil)
                        }
                        continue
                    }
                }
                // Checked before claiming: a message that can never be encoded is declined at once,
                // loudly, and never holds up the ones behind it.
                let probe = Self.postSaleMessage(
                    message, original, repeat: false, acquirer: configuration.acquiringInstitutionID)
                guard (try? codec.encode(probe)) != nil else {
                    logger.critical(
                        "\(message.kind) #\(message.id) of authorization #\(message.authorizationID) cannot be encoded: declined without sending; settle it with the bank by hand"
                    )
                    try await store.answerPostSale(
                        message.id, state: .declined, responseCode: "30", approvalCode: nil)
                    continue
                }
                let now = Date()
                guard
                    let previous = try await store.claimPostSale(
                        message.id, now: now, leaseUntil: now.addingTimeInterval(configuration.reversalLease))
                else { continue }
                let request = Self.postSaleMessage(
                    message, original, repeat: previous > 0, acquirer: configuration.acquiringInstitutionID)
                let reply: ISOMessage
                do {
                    reply = try await connection.send(
                        request, bytes: try codec.encode(request), timeout: configuration.responseTimeout)
                } catch {
                    logger.notice("\(message.kind) #\(message.id) not delivered yet (\(error)); will repeat")
                    try? await store.releasePostSale(message.id)
                    return
                }
                let code = reply[.responseCode] ?? ""
                // 91 (issuer or switch inoperative) and 96 (system malfunction) say nothing was
                // applied: the message is repeated later, never taken as the bank's final word.
                if Self.transientResponseCodes.contains(code) {
                    logger.notice(
                        "\(message.kind) #\(message.id) answered \(code) (try again later); will repeat")
                    try? await store.releasePostSale(message.id)
                    return
                }
                try await store.answerPostSale(
                    message.id, state: code == "00" ? .approved : .declined, responseCode: code,
                    approvalCode: reply[.approvalCode])
                logger.info(
                    "\(message.kind) answered",
                    metadata: [
                        "authorization": "\(message.authorizationID)", "mti": "\(request.mti)",
                        "amount": "\(message.amount)", "response-code": "\(code)",
                    ])
            } catch {
                logger.error(
                    "\(message.kind) #\(message.id) could not be stored or sent: \(error); will repeat")
                return
            }
        }
    }

    /// Answers after which a capture or refund is sent again (as a repeat) instead of being final.
    static let transientResponseCodes: Set<String> = ["91", "96"]

    /// The 0220/0221 capture or 0200/0201 refund of `original` (field 90 names it as a reversal
    /// does; fields 11, 7 and 37 are the message's own).
    static func postSaleMessage(
        _ message: PostSaleMessage, _ original: StoredAuthorization, repeat isRepeat: Bool, acquirer: String
    ) -> ISOMessage {
        let first: MessageTypeIndicator = message.kind == .capture ? .financialAdvice : .financialRequest
        var iso = ISOMessage(mti: isRepeat ? first.repeated : first)
        iso[.processingCode] = message.kind == .capture ? "000000" : "200000"
        iso[.amount] = String(format: "%012lld", message.amount)
        iso[.transmissionDateTime] = message.transmission
        iso[.systemTraceAuditNumber] = message.stan
        iso[.acquiringInstitution] = acquirer
        iso[.retrievalReferenceNumber] = message.rrn
        if message.kind == .capture, let approval = original.approvalCode { iso[.approvalCode] = approval }
        iso[.terminalID] = original.terminal
        iso[.merchantID] = original.merchant
        iso[.currencyCode] = original.currency
        iso[.originalDataElements] = original.originalDataElements(acquirer: acquirer)
        return iso
    }
}
