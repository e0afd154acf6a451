import Foundation
import PairPayCore

extension SettlementEngine {
    /// With both requests in: decline a mismatch without the acquirer, or persist `authorizing`,
    /// authorize exactly once and finish with the mapped, signed result.
    /// - Parameter known: the order's merchant when the caller has just read it, for the acquirer's
    ///   merchant and terminal ids (one read less); the push URL is still read when the result is
    ///   final, so an endpoint enrolled meanwhile is used.
    func settle(
        _ order: inout OrderRecord, previous: OrderState, card: CardData?, event: String,
        merchant known: MerchantCredentials? = nil
    )
        async throws(SettlementError)
    {
        guard let contents = order.contents, let claim = order.claim else {
            try await save(&order, from: previous, event: event)
            return
        }
        if case .mismatch(let fields) = OrderMatcher.match(store: contents, phone: claim) {
            order.state = previous
            try await finish(
                &order, status: .declined, reason: .mismatch,
                event: "\(event); orders differ in \(fields.joined(separator: ", "))")
            return
        }
        let cardData: CardData
        if let card {
            cardData = card
        } else if let sealed = order.sealedPendingCard,
            let opened = try? vault.open(
                sealed, context: Vault.pendingContext(merchantID: order.merchantID, orderID: order.orderID))
        {
            cardData = opened
        } else {
            try await finish(
                &order, status: .declined, reason: .internalError, event: "\(event); card unreadable")
            return
        }
        let merchant: MerchantCredentials?
        if let known {
            merchant = known
        } else {
            do { merchant = try await store.merchant(id: order.merchantID) } catch {
                throw storageFailure(error)
            }
        }
        order.state = .authorizing
        order.sealedPendingCard = nil  // the security code leaves the disk before the bank is asked
        order.recoverAfter = now().addingTimeInterval(
            TimeInterval(configuration.authorizationDeadlineSeconds))
        // The database decides who authorizes: of two instances getting here for one order, only
        // one write lands; the other gets `busy`, reads the order again and sees it authorizing.
        try await save(&order, from: previous, event: "\(event); orders match, authorizing")
        let request = AuthorizationRequest(
            merchantID: merchant?.acquirerMerchantID ?? String(order.merchantID.prefix(15)),
            terminalID: merchant?.terminalID(lane: order.laneID) ?? configuration.defaultTerminalID,
            orderID: order.orderID,
            amount: contents.total, card: cardData)
        let outcome: AuthorizationOutcome
        do {
            outcome = try await acquirer.authorize(request)
        } catch {
            logger.error("acquirer failed for order \(order.orderID): \(String(describing: type(of: error)))")
            try await finish(
                &order, status: .declined, reason: .internalError, cardLast4: order.cardLast4,
                event: "acquirer failed")
            return
        }
        let last4 = cardData.primaryAccountNumber.lastFour
        switch outcome {
        case .approved(let approval):
            order.authorization = approval.reference
            // What the receipt prints: the acquirer's references and the card's brand (never more
            // of the card than its brand and last four).
            let receipt = await acquirer.receiptReferences(of: approval.reference).flatMap {
                try? ReceiptData(
                    rrn: $0.rrn, stan: $0.stan, terminalId: $0.terminalID,
                    cardBrand: CardBrand.of(cardData.primaryAccountNumber))
            }
            do {
                try await finish(
                    &order, status: .approved, reason: .approved, approvalCode: approval.approvalCode,
                    cardLast4: last4, receipt: receipt,
                    event: "issuer approved (\(approval.reference))")
            } catch {
                // Another instance took the order over as abandoned (this one was too slow) and
                // decided it without this approval: release the hold, then report what it decided.
                if error.isBusy { await releaseOrphanedApproval(approval.reference, orderID: order.orderID) }
                throw error
            }
            if merchant?.captureMode == .immediate { captureSoon(approval.reference, orderID: order.orderID) }
        case .declined(let reason):
            try await finish(
                &order, status: .declined, reason: Self.reason(for: reason), cardLast4: last4,
                event: "issuer declined: \(reason)")
        case .issuerUnavailable:
            try await finish(
                &order, status: .declined, reason: .issuerUnavailable, cardLast4: last4,
                event: "issuer unavailable")
        case .reversed(let why):
            try await finish(
                &order, status: .declined, reason: .reversed, cardLast4: last4,
                event: "outcome unknown (\(why)), acquirer reversed it")
        }
    }

    /// Reverses an approval the order's stored result does not carry (the order was decided
    /// elsewhere meanwhile), so no hold outlives the order. Reversing twice is harmless.
    func releaseOrphanedApproval(_ reference: AuthorizationReference, orderID: String) async {
        logger.warning(
            "order \(orderID) was decided elsewhere while the bank approved it here: reversing \(reference)")
        do {
            let outcome = try await acquirer.reverse(
                ReversalRequest(authorization: reference, reason: .outcomeUnknown))
            if outcome == .captured {
                logger.critical(
                    "the approval \(reference) of order \(orderID) was decided elsewhere but is captured: refund it by hand"
                )
            }
        } catch {
            logger.critical(
                "the approval \(reference) of order \(orderID) could not be reversed: \(error); reconcile it by hand"
            )
        }
    }

    /// The result reason for an issuer's decline.
    static func reason(for decline: DeclineReason) -> SettlementReason {
        switch decline {
        case .insufficientFunds: return .insufficientFunds
        case .expiredCard: return .expiredCard
        case .invalidCard: return .invalidCard
        case .incorrectCVC: return .incorrectCVC
        case .limitExceeded: return .limitExceeded
        case .doNotHonour, .other: return .declined
        }
    }
}
