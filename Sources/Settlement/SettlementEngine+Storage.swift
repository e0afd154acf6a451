import CoreMetrics
import Foundation
import PairPayCore

extension SettlementEngine {
    func load(_ key: OrderKey) async throws(SettlementError) -> OrderRecord? {
        do { return try await store.order(merchantID: key.merchantID, orderID: key.orderID) } catch {
            throw storageFailure(error)
        }
    }

    func insert(_ order: OrderRecord, event: String) async throws(SettlementError) {
        do { try await store.insert(order, event: event) } catch { throw storageFailure(error) }
    }

    /// Writes the order if nobody changed it since it was read, and advances its version.
    /// - Throws: ``SettlementError/busy(_:)`` when another instance changed it meanwhile.
    func save(
        _ order: inout OrderRecord, from previous: OrderState, event: String
    ) async throws(SettlementError) {
        do { try await store.update(order, from: previous, event: event) } catch {
            throw storageFailure(error)
        }
        order.version += 1
        order.markSaved()
    }

    /// Runs `attempt` (which reads the order itself) again when its write lost a race with
    /// another instance deciding the same order: the next attempt sees what that one wrote.
    func retryingConcurrentChanges<T>(
        _ attempt: () async throws(SettlementError) -> T
    ) async throws(SettlementError) -> T {
        for _ in 1..<Self.maximumAttempts {
            do { return try await attempt() } catch {
                guard error.isBusy else { throw error }
                logger.debug("an order changed under a request: reading it again")
            }
        }
        return try await attempt()
    }

    /// How many times a request is decided again after losing a race (then 503 `busy`).
    static var maximumAttempts: Int { 8 }

    func storageFailure(_ error: any Error) -> SettlementError {
        if let error = error as? SettlementStoreError, error == .concurrentChange {
            return .busy(
                "the order was being decided by another request at the same moment: send the request again")
        }
        logger.error("settlement store failed: \(String(describing: type(of: error)))")
        return .internal("the settlement store failed; nothing was charged twice, retry later")
    }

    /// Makes the order final with a newly signed result, stores it and queues its push.
    func finish(
        _ order: inout OrderRecord, status: SettlementStatus, reason: SettlementReason,
        approvalCode: String? = nil,
        cardLast4: String? = nil, receipt: ReceiptData? = nil, event: String
    ) async throws(SettlementError) {
        let previous = order.state
        let decided = now()
        let signed: SignedSettlementResult
        do {
            // A mismatch charges nothing, and its result goes to both parties: it carries zero in the
            // store's currency, so neither learns the other's amount.
            let claimed = order.contents?.total ?? order.claim?.total ?? Money(minorUnits: 0, currency: .jpy)
            let total = reason == .mismatch ? Money.zero(claimed.currency) : claimed
            let result = try SettlementResult(
                resultID: "res_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(),
                merchantID: order.merchantID, orderID: order.orderID, status: status, reason: reason,
                total: total,
                approvalCode: approvalCode, cardLast4: cardLast4,
                decidedAt: Int64(decided.timeIntervalSince1970.rounded(.down)), receipt: receipt)
            signed = try signer.sign(result)
        } catch {
            logger.error("signing the result of order \(order.orderID) failed: \(error)")
            throw .internal("the result could not be signed; check the server's signing key")
        }
        order.state = .final
        order.result = signed
        order.sealedPendingCard = nil
        order.recoverAfter = nil
        order.updatedAt = decided
        try await save(&order, from: previous, event: "\(event) → \(status.rawValue)/\(reason.rawValue)")
        logger.info("order \(order.orderID) of \(order.merchantID): \(status.rawValue) (\(reason.rawValue))")
        Counter(
            label: "pairpay_settlement_results_total",
            dimensions: [("status", status.rawValue), ("reason", reason.rawValue)], factory: metrics
        ).increment()
        await queuePush(of: signed, for: order)
    }

    func queuePush(of signed: SignedSettlementResult, for order: OrderRecord) async {
        do {
            guard try await store.merchant(id: order.merchantID)?.pushURL(lane: order.laneID) != nil else {
                return
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try await store.enqueueDelivery(
                merchantID: order.merchantID, laneID: order.laneID, orderID: order.orderID,
                resultID: signed.result.resultID,
                body: try encoder.encode(signed), now: now())
            onPushQueued()
        } catch {
            // The result is stored; the store can still fetch it by query (result path 3).
            logger.error(
                "queueing the push for order \(order.orderID) failed: \(String(describing: type(of: error)))")
        }
    }

    /// Marks a waiting order expired.
    func expire(_ order: inout OrderRecord) async throws(SettlementError) {
        try await finish(&order, status: .expired, reason: .expired, event: "expired unpaid")
    }
}
