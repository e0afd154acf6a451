import Foundation
import PairPayCore

extension SettlementEngine {
    /// The store cancels an order. Before authorization it ends `cancelled`/`cancelled`; if the
    /// bank already approved, the authorization is reversed through the acquirer (or, once the
    /// sale is captured, refunded in full) and the order ends `cancelled`/`reversed` with a new
    /// signed result. Other final orders are returned as
    /// they are (cancelling twice is harmless).
    /// - Throws: ``SettlementError/notFound(_:)`` for an unknown order or another merchant's.
    public func cancel(_ orderID: String, merchantID: String) async throws(SettlementError) -> OrderStatusView
    {
        let key = OrderKey(merchantID: merchantID, orderID: orderID)
        await lock(key)
        defer { unlock(key) }
        return try await retryingConcurrentChanges { () async throws(SettlementError) -> OrderStatusView in
            guard var order = try await load(key) else { throw Self.notFound(orderID) }
            switch order.state {
            case .awaitingFirst, .awaitingSecond:
                try await finish(
                    &order, status: .cancelled, reason: .cancelled, event: "cancelled by the store")
            case .authorizing:
                throw .conflict("order '\(orderID)' is being authorized: ask again in a moment")
            case .final:
                guard order.result?.result.status == .approved, let reference = order.authorization else {
                    break
                }
                do {
                    let outcome = try await acquirer.reverse(
                        ReversalRequest(authorization: reference, reason: .cancelled))
                    if outcome == .captured {
                        try await refundInFull(&order)
                        break
                    }
                    try await finish(
                        &order, status: .cancelled, reason: .reversed, cardLast4: order.cardLast4,
                        event: "cancelled by the store after approval; reversal \(outcome)")
                } catch let error as SettlementError {
                    throw error
                } catch {
                    logger.error(
                        "reversal of order \(orderID) failed: \(String(describing: type(of: error)))")
                    throw .internal(
                        "the approved payment could not be reversed yet; the order stays approved, retry the cancel"
                    )
                }
            }
            return order.statusView
        }
    }

    /// A cancel after the sale was captured: the whole amount is refunded (refund id
    /// `cancel:<orderId>`), then the order ends `cancelled`/`reversed` like a cancel before capture.
    func refundInFull(_ order: inout OrderRecord) async throws(SettlementError) {
        guard let total = order.result?.result.total else { return }
        let key = OrderKey(merchantID: order.merchantID, orderID: order.orderID)
        let view = try await refundLocked(.cancelling(orderID: order.orderID, total: total), key: key)
        switch (view.state, view.result?.refund.status) {
        case (.final, .approved):
            try await completeCancel(key)
            order = try await load(key) ?? order
        case (.final, _):
            throw .conflict(
                "the sale is captured and could not be refunded in full (\(view.result?.refund.reason.rawValue ?? "declined")): refund what is left with POST /v1/orders/\(order.orderID)/refunds"
            )
        case (.pending, _):
            throw .conflict("the sale is captured; its refund is on its way: cancel again in a moment")
        }
    }

    /// Ends an order whose cancel refunded it in full `cancelled`/`reversed`, unless it ended so
    /// already (the refund's result may come back through the cancel, or later through recovery).
    func completeCancel(_ key: OrderKey) async throws(SettlementError) {
        try await retryingConcurrentChanges { () async throws(SettlementError) -> Void in
            guard var current = try await load(key), current.state == .final,
                current.result?.result.status == .approved
            else { return }
            try await finish(
                &current, status: .cancelled, reason: .reversed, cardLast4: current.cardLast4,
                event: "cancelled by the store after capture; refunded in full (cancel:\(key.orderID))")
        }
    }

    /// Marks every waiting order whose time is up as expired; returns how many.
    public func expireOverdue() async -> Int {
        let overdue: [OrderRecord]
        do { overdue = try await store.overdueOrders(now: now()) } catch {
            _ = storageFailure(error)
            return 0
        }
        var count = 0
        for candidate in overdue {
            let key = OrderKey(merchantID: candidate.merchantID, orderID: candidate.orderID)
            await lock(key)
            defer { unlock(key) }
            let expired = try? await retryingConcurrentChanges { () async throws(SettlementError) -> Bool in
                // Another instance may have expired it, or a request decided it, since the list was read.
                guard var order = try await load(key), order.isWaiting, order.expiresAt <= now() else {
                    return false
                }
                try await expire(&order)
                return true
            }
            if expired == true { count += 1 }
        }
        return count
    }

    /// Deletes final orders (with their audit trail and delivered pushes) last changed more than
    /// `age` ago; returns how many orders were deleted.
    public func purgeHistory(olderThan age: TimeInterval) async throws(SettlementError) -> Int {
        do { return try await store.purgeHistory(olderThan: now().addingTimeInterval(-age)) } catch {
            throw storageFailure(error)
        }
    }
}
