import CoreMetrics
import Foundation
import PairPayCore

extension SettlementEngine {
    /// The store gives money back for an approved sale, in full or in part.
    ///
    /// The refund is stored `pending` before the acquirer is asked (which captures the sale first
    /// if the day is not closed yet), so a crash or a lost answer never loses or doubles it: the
    /// same `refundId` asked again, or ``resumePendingRefunds(olderThan:)``, drives it on to the
    /// one result. Refunds never add up to more than the sale captured: one that would is
    /// declined `exceeds-captured` with a signed result.
    /// - Throws: ``SettlementError/notFound(_:)`` for an unknown order; ``SettlementError/conflict(_:)``
    ///   for an order that is not an approved sale, or a `refundId` used for another order or amount;
    ///   ``SettlementError/invalidRequest(_:)`` for an amount in another currency than the sale's.
    public func refund(
        _ request: RefundRequest, orderID: String, merchantID: String
    ) async throws(SettlementError) -> RefundView {
        let key = OrderKey(merchantID: merchantID, orderID: orderID)
        await lock(key)
        defer { unlock(key) }
        return try await refundLocked(request, key: key)
    }

    /// Every refund of one order, oldest first.
    /// - Throws: ``SettlementError/notFound(_:)`` for an unknown order or another merchant's.
    public func refunds(orderID: String, merchantID: String) async throws(SettlementError) -> [RefundView] {
        guard try await load(OrderKey(merchantID: merchantID, orderID: orderID)) != nil else {
            throw Self.notFound(orderID)
        }
        do { return try await store.refunds(merchantID: merchantID, orderID: orderID).map(\.view) } catch {
            throw storageFailure(error)
        }
    }

    /// Drives every refund still `pending` since before `age` ago (its request's instance died, or
    /// the bank did not answer) to its result; returns how many became final.
    public func resumePendingRefunds(olderThan age: TimeInterval) async -> Int {
        let pending: [RefundRecord]
        do { pending = try await store.pendingRefunds(updatedBefore: now().addingTimeInterval(-age)) } catch {
            logger.error("cannot read pending refunds: \(String(describing: type(of: error)))")
            return 0
        }
        var finished = 0
        for refund in pending {
            let key = OrderKey(merchantID: refund.merchantID, orderID: refund.orderID)
            await lock(key)
            let view = try? await drive(refund)
            unlock(key)
            if view?.state == .final { finished += 1 }
        }
        return finished
    }

    /// ``refund(_:orderID:merchantID:)`` with the order's lock held (a cancel after capture holds it).
    func refundLocked(_ request: RefundRequest, key: OrderKey) async throws(SettlementError) -> RefundView {
        let record = try await retryingConcurrentChanges { () async throws(SettlementError) -> RefundRecord in
            if let existing = try await loadRefund(merchantID: key.merchantID, refundID: request.refundID) {
                guard existing.orderID == key.orderID, existing.amount == request.amount else {
                    throw .conflict(
                        "refund id '\(request.refundID)' was used for another order or amount: use a new refund id"
                    )
                }
                return existing
            }
            guard let order = try await load(key) else { throw Self.notFound(key.orderID) }
            guard order.state == .final, let result = order.result?.result, result.status == .approved,
                order.authorization != nil
            else {
                let now = order.result.map { "\($0.result.status.rawValue)/\($0.result.reason.rawValue)" }
                throw .conflict(
                    "order '\(key.orderID)' is not an approved sale (it is \(now ?? order.state.rawValue)): nothing to refund"
                )
            }
            guard request.amount.currency == result.total.currency else {
                throw .invalidRequest("currency must be the sale's, \(result.total.currency.code)")
            }
            let record = RefundRecord(
                merchantID: key.merchantID, refundID: request.refundID, orderID: key.orderID,
                amount: request.amount, createdAt: now())
            do { try await store.insertRefund(record) } catch { throw storageFailure(error) }
            logger.info(
                "order \(key.orderID) of \(key.merchantID): refund \(request.refundID) of \(request.amount)")
            return record
        }
        guard record.state == .pending else { return record.view }
        return try await drive(record)
    }

    func loadRefund(merchantID: String, refundID: String) async throws(SettlementError) -> RefundRecord? {
        do { return try await store.refund(merchantID: merchantID, refundID: refundID) } catch {
            throw storageFailure(error)
        }
    }

    /// Asks the acquirer (again: it is idempotent by refund id) and stores the result once it has one.
    func drive(_ record: RefundRecord) async throws(SettlementError) -> RefundView {
        guard let postSale = acquirer as? any PostSaleAcquirer else {
            throw .internal("this server's acquirer cannot capture or refund")
        }
        guard
            let reference = try await load(OrderKey(merchantID: record.merchantID, orderID: record.orderID))?
                .authorization
        else { throw .internal("the refund's sale has no authorization on record") }
        let outcome: PostSaleOutcome
        do {
            outcome = try await postSale.refund(
                reference, key: record.refundID, amount: record.amount.minorUnits)
        } catch {
            logger.error(
                "refund \(record.refundID) could not be sent: \(String(describing: type(of: error)))")
            throw .internal(
                "the refund is stored but could not be sent yet: ask again with the same refund id")
        }
        let decision: (RefundStatus, RefundReason, String?)
        switch outcome {
        case .pending: return record.view
        case .approved(let code): decision = (.approved, .approved, code)
        // The bank's 12 (nothing captured to give back) and 13 (more than is left) say why.
        case .declined(responseCode: "12"): decision = (.declined, .notRefundable, nil)
        case .declined(responseCode: "13"): decision = (.declined, .exceedsCaptured, nil)
        case .declined: decision = (.declined, .declined, nil)
        case .refused(.exceedsCaptured): decision = (.declined, .exceedsCaptured, nil)
        case .refused(.notApproved), .refused(.invalidAmount): decision = (.declined, .notRefundable, nil)
        case .refused(.keyReused):
            throw .conflict("refund id '\(record.refundID)' was used for another amount: use a new refund id")
        }
        var final = record
        let decided = now()
        do {
            final.result = try signer.sign(
                RefundResult(
                    refundID: record.refundID, merchantID: record.merchantID, orderID: record.orderID,
                    status: decision.0, reason: decision.1, amount: record.amount, approvalCode: decision.2,
                    decidedAt: Int64(decided.timeIntervalSince1970.rounded(.down))))
        } catch {
            throw .internal("the refund's result could not be signed; check the server's signing key")
        }
        final.state = .final
        final.updatedAt = decided
        let stored: Bool
        do { stored = try await store.finishRefund(final) } catch { throw storageFailure(error) }
        guard stored else {
            // Another instance recorded the result first: that one stands.
            return try await loadRefund(merchantID: record.merchantID, refundID: record.refundID)?.view
                ?? final.view
        }
        if decision.0 == .approved,
            record.refundID
                == RefundRequest.cancelling(
                    orderID: record.orderID, total: record.amount
                ).refundID
        {
            // A cancel's refund, finished here or by recovery long after the cancel answered 409:
            // the order ends cancelled now either way, and its push goes out.
            try await completeCancel(OrderKey(merchantID: record.merchantID, orderID: record.orderID))
        }
        logger.info(
            "order \(record.orderID) of \(record.merchantID): refund \(record.refundID) \(decision.0.rawValue) (\(decision.1.rawValue))"
        )
        Counter(
            label: "pairpay_refund_results_total",
            dimensions: [("status", decision.0.rawValue), ("reason", decision.1.rawValue)], factory: metrics
        ).increment()
        return final.view
    }
}

extension SettlementEngine {
    /// A merchant that captures at once: the capture is stored and sent beside the answer to the
    /// phone, not before it (the approval is final either way). Should this instance stop before
    /// the capture is stored, the next batch close captures the sale.
    nonisolated func captureSoon(_ reference: AuthorizationReference, orderID: String) {
        guard let postSale = acquirer as? any PostSaleAcquirer else { return }
        let logger = self.logger
        Task.detached {
            do {
                let outcome = try await postSale.capture(reference)
                logger.info("order \(orderID) captured at once: \(outcome)")
            } catch {
                logger.error(
                    "order \(orderID) could not be captured at once (\(String(describing: type(of: error)))); the batch close captures it"
                )
            }
        }
    }
}
