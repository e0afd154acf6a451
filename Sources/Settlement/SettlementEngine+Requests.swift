import Foundation
import PairPayCore

extension SettlementEngine {
    /// The store's request. Returns the order's state (final at once if the phone's request was
    /// already in and the two were settled).
    /// - Throws: ``SettlementError/forbidden(_:)`` when the contents name another merchant,
    ///   ``SettlementError/conflict(_:)`` for a different request for the same order,
    ///   ``SettlementError/expired(_:)`` when the order already expired.
    public func submitFirst(
        _ request: FirstSettlementRequest, merchantID: String
    ) async throws(SettlementError)
        -> OrderStatusView
    {
        guard request.contents.merchantID == merchantID else {
            throw .forbidden("contents.merchantId must be your own merchant id '\(merchantID)'")
        }
        let merchant: MerchantCredentials?
        do { merchant = try await store.merchant(id: merchantID) } catch { throw storageFailure(error) }
        try Self.checkLane(request.laneID, of: merchant)
        let key = OrderKey(merchantID: merchantID, orderID: request.orderID)
        await lock(key)
        defer { unlock(key) }
        var fingerprinted =
            "first\n\(request.contents.contentsDigest)\n\(request.expiresInSeconds.map(String.init) ?? "-")"
        if let lane = request.laneID { fingerprinted += "\nlane \(lane)" }
        let fingerprint = vault.fingerprint(fingerprinted)
        let expiry = TimeInterval(request.expiresInSeconds ?? configuration.defaultExpirySeconds)
        return try await retryingConcurrentChanges { () async throws(SettlementError) -> OrderStatusView in
            let arrived = now()
            guard var order = try await load(key) else {
                var order = OrderRecord(
                    merchantID: merchantID, orderID: request.orderID, state: .awaitingSecond,
                    expiresAt: arrived.addingTimeInterval(expiry), createdAt: arrived)
                order.contents = request.contents
                order.requestedExpirySeconds = request.expiresInSeconds
                order.firstFingerprint = fingerprint
                order.laneID = request.laneID
                try await insert(order, event: "store's request received")
                return order.statusView
            }
            if let existing = order.firstFingerprint {
                guard existing == fingerprint else {
                    throw .conflict(
                        "order '\(request.orderID)' already has a different store request: use a new order id"
                    )
                }
                return order.statusView
            }
            try await refuseEnded(&order, now: arrived)
            let previous = order.state
            order.contents = request.contents
            order.requestedExpirySeconds = request.expiresInSeconds
            order.firstFingerprint = fingerprint
            order.laneID = request.laneID
            order.updatedAt = arrived
            try await settle(
                &order, previous: previous, card: nil, event: "store's request received", merchant: merchant)
            return order.statusView
        }
    }

    /// A merchant with lanes must name one of them; one without takes any lane id (or none).
    static func checkLane(_ laneID: String?, of merchant: MerchantCredentials?) throws(SettlementError) {
        guard let merchant, !merchant.lanes.isEmpty else { return }
        guard let laneID else {
            throw .invalidRequest(
                "merchant '\(merchant.id)' has lanes (\(merchant.lanes.keys.sorted().joined(separator: ", "))): name yours in laneId"
            )
        }
        guard merchant.lanes[laneID] != nil else {
            throw .notFound(
                "lane '\(laneID)' is not enrolled for merchant '\(merchant.id)': enrol it (pairpay enroll lane) or fix registerd's terminal id"
            )
        }
    }

    /// The customer's request. Returns the signed result once the order is decided, or nil while
    /// it waits for the store's request.
    /// - Throws: ``SettlementError/notFound(_:)`` for an unknown merchant or a vault reference
    ///   that is not this user's, ``SettlementError/conflict(_:)`` for a different request for
    ///   the same order, ``SettlementError/expired(_:)`` when the order already expired.
    public func submitSecond(
        _ request: SecondSettlementRequest, userID: String
    ) async throws(SettlementError)
        -> SignedSettlementResult?
    {
        let (card, instrument) = try await resolvePayment(request.payment, userID: userID)
        let merchant: MerchantCredentials?
        do { merchant = try await store.merchant(id: request.merchantID) } catch {
            throw storageFailure(error)
        }
        guard merchant != nil else {
            throw .notFound(
                "merchant '\(request.merchantID)' is not known: check the payment request's merchant id")
        }
        let claimJSON: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            claimJSON = String(decoding: try encoder.encode(request.claim), as: UTF8.self)
        } catch {
            throw .invalidRequest("the order in the request could not be read")
        }
        let fingerprint = vault.fingerprint("second\n\(userID)\n\(claimJSON)\n\(instrument)")
        let key = OrderKey(merchantID: request.merchantID, orderID: request.orderID)
        await lock(key)
        defer { unlock(key) }
        return try await retryingConcurrentChanges {
            () async throws(SettlementError) -> SignedSettlementResult? in
            let arrived = now()
            guard var order = try await load(key) else {
                var order = OrderRecord(
                    merchantID: request.merchantID, orderID: request.orderID, state: .awaitingFirst,
                    expiresAt: arrived.addingTimeInterval(TimeInterval(configuration.defaultExpirySeconds)),
                    createdAt: arrived)
                attach(request.claim, userID: userID, fingerprint: fingerprint, card: card, to: &order)
                do {
                    order.sealedPendingCard = try vault.seal(
                        card,
                        context: Vault.pendingContext(merchantID: order.merchantID, orderID: order.orderID))
                } catch {
                    throw .internal("the card could not be protected for storage; check the vault key")
                }
                try await insert(order, event: "customer's request received (user \(userID))")
                return nil
            }
            if let existing = order.secondFingerprint {
                guard existing == fingerprint else {
                    throw .conflict("order '\(request.orderID)' already has a different payment request")
                }
                return order.result
            }
            if order.state == .final, let result = order.result, result.result.status != .expired {
                return result  // cancelled by the store before the phone paid: the signed answer says so
            }
            try await refuseEnded(&order, now: arrived)
            let previous = order.state
            attach(request.claim, userID: userID, fingerprint: fingerprint, card: card, to: &order)
            order.updatedAt = arrived
            try await settle(
                &order, previous: previous, card: card, event: "customer's request received (user \(userID))",
                merchant: merchant)
            return order.result
        }
    }

    func attach(
        _ claim: OrderClaim, userID: String, fingerprint: String, card: CardData, to order: inout OrderRecord
    ) {
        order.claim = claim
        order.userID = userID
        order.secondFingerprint = fingerprint
        order.cardLast4 = card.primaryAccountNumber.lastFour
    }

    /// Throws `expired` for an order that ended or is overdue (expiring it first).
    func refuseEnded(_ order: inout OrderRecord, now: Date) async throws(SettlementError) {
        if order.isWaiting, order.expiresAt <= now {
            try await expire(&order)
        }
        guard order.isWaiting else {
            throw .expired(
                "order '\(order.orderID)' has already ended (\(order.result?.result.reason.rawValue ?? order.state.rawValue))"
            )
        }
    }

    /// The card to charge and a text identifying the instrument for repeat detection.
    func resolvePayment(
        _ payment: PaymentInstrument, userID: String
    ) async throws(SettlementError)
        -> (CardData, String)
    {
        switch payment {
        case .card(let card):
            let text =
                "card\n\(card.primaryAccountNumber.digits)\n\(card.expiry.yymm)\n\(card.securityCode?.digits ?? "")"
            return (card, text)
        case .vaultReference(let reference):
            let stored: VaultedCard?
            do { stored = try await store.vaultedCard(reference: reference) } catch {
                throw storageFailure(error)
            }
            guard let stored, stored.userID == userID else {
                throw .notFound(
                    "vault reference '\(reference)' is not one of your cards: vault the card again")
            }
            do {
                return (
                    try vault.open(
                        stored.sealed, context: Vault.vaultContext(userID: userID, reference: reference)),
                    "vault\n\(reference)"
                )
            } catch {
                logger.error("vaulted card \(reference) cannot be opened: \(error)")
                throw .internal("the vaulted card cannot be read; vault the card again")
            }
        }
    }
}
