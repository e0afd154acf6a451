import Foundation
import PairPayCore

extension SettlementEngine {
    /// Closes a batch of the merchant (one lane, or every lane with `laneID` nil): the sales,
    /// voids and refunds decided since the lane's last close join batch `batchID` (generated when
    /// nil), the approved sales decided before the close that are not captured yet are captured, and
    /// every terminal of the batch is reconciled with the bank. Closing the same batch id again is
    /// safe: a complete batch returns its stored report; an incomplete one (the bank did not answer)
    /// asks the bank again. With `existing`, only a batch closed before is reported (again).
    /// - Throws: ``SettlementError/notFound(_:)`` for an unknown merchant or lane, or with
    ///   `existing` for a batch never closed; ``SettlementError/conflict(_:)`` for a batch id
    ///   already closed for another lane.
    public func closeBatch(
        merchantID: String, laneID: String? = nil, batchID: String? = nil, existing: Bool = false
    ) async throws(SettlementError) -> BatchCloseView {
        guard let postSale = acquirer as? any PostSaleAcquirer else {
            throw .internal("this server's acquirer cannot capture or refund")
        }
        let merchant: MerchantCredentials?
        do { merchant = try await store.merchant(id: merchantID) } catch { throw storageFailure(error) }
        guard let merchant else { throw .notFound("no merchant '\(merchantID)'") }
        if let laneID { try Self.checkLane(laneID, of: merchant) }
        let closedAt = now()
        let batchID = batchID ?? Self.batchID(lane: laneID, at: closedAt)
        // A merchant without lanes is one lane: a lane's close takes the sales of no lane too.
        let unassigned = merchant.lanes.isEmpty
        let batch: ClosedBatch
        do {
            if existing, try await store.batch(merchantID: merchantID, batchID: batchID) == nil {
                throw SettlementError.notFound(
                    "batch '\(batchID)' was never closed: close the day (without existing) to close it")
            }
            batch = try await store.closeBatch(
                merchantID: merchantID, laneID: laneID, batchID: batchID, closedAt: closedAt,
                includingUnassigned: unassigned)
        } catch let error as SettlementError {
            throw error
        } catch let error as SettlementStoreError {
            if case .batchIDTaken = error { throw .conflict(error.description) }
            throw storageFailure(error)
        } catch { throw storageFailure(error) }
        if let report = batch.report,
            let stored = try? JSONDecoder().decode(BatchCloseView.self, from: report)
        {
            return stored
        }
        var sales: [CapturedSale] = []
        do {
            for sale in try await postSale.uncapturedSales(acquirerMerchantID: merchant.acquirerMerchantID) {
                // Only an order this server decided approved, with this very authorization, before
                // the close and in the lane closed: one left `authorizing` by an instance that died
                // is recovery's to reverse, never captured.
                let order = try await load(OrderKey(merchantID: merchantID, orderID: sale.orderID))
                guard let order, order.state == .final, order.result?.result.status == .approved,
                    order.authorization == sale.authorization, order.updatedAt <= batch.closedAt,
                    laneID == nil || order.laneID == laneID || (unassigned && order.laneID == nil)
                else { continue }
                sales.append(
                    CapturedSale(
                        orderID: sale.orderID, amount: sale.amount,
                        outcome: try await postSale.capture(sale.authorization),
                        authorization: sale.authorization))
            }
        } catch {
            logger.error("batch close of \(merchantID) failed: \(String(describing: type(of: error)))")
            throw .internal(
                "the batch could not be closed yet; what was captured stays captured: close batch \(batchID) again"
            )
        }
        let currencies = Set(
            batch.totals.compactMap { try? Currency(code: $0.currency) } + sales.map(\.amount.currency))
        var reconciliations: [TerminalReconciliation] = []
        for terminal in terminals(of: merchant, lane: laneID) {
            do {
                reconciliations += try await postSale.reconcile(
                    acquirerMerchantID: merchant.acquirerMerchantID, terminalID: terminal, batchID: batchID,
                    currencies: currencies)
            } catch {
                logger.error(
                    "reconciliation of terminal \(terminal) for batch \(batchID) failed: \(String(describing: type(of: error)))"
                )
                reconciliations += currencies.sorted { $0.code < $1.code }.map {
                    TerminalReconciliation(
                        terminalID: terminal, currency: $0, state: .unanswered, acquirer: HostTotals(),
                        bank: nil)
                }
            }
        }
        // The reconciliation sent what was stored first: a capture pending before may be answered now.
        for (index, sale) in sales.enumerated() where sale.outcome == .pending {
            if let reference = sale.authorization, let now = try? await postSale.capture(reference) {
                sales[index] = CapturedSale(
                    orderID: sale.orderID, amount: sale.amount, outcome: now, authorization: reference)
            }
        }
        let view = BatchCloseView(
            merchantID: merchantID, batch: batch, sales: sales, reconciliations: reconciliations)
        if view.isComplete, let report = try? JSONEncoder().encode(view) {
            do {
                try await store.saveBatchReport(merchantID: merchantID, batchID: batchID, report: report)
            } catch {
                _ = storageFailure(error)
            }
        }
        logger.info(
            "batch \(batchID) of \(merchantID) closed: \(sales.count) sales captured, \(view.state.rawValue)",
            metadata: view.differences.isEmpty ? [:] : ["differences": "\(view.differences)"])
        return view
    }

    /// The acquirer terminal ids a close of `laneID` (every lane when nil) reconciles.
    func terminals(of merchant: MerchantCredentials, lane laneID: String?) -> [String] {
        if let laneID { return [merchant.terminalID(lane: laneID) ?? configuration.defaultTerminalID] }
        guard !merchant.lanes.isEmpty else { return [merchant.terminalID ?? configuration.defaultTerminalID] }
        return Set(merchant.lanes.values.map(\.terminalID)).sorted()
    }

    /// A batch id for a close that named none: the lane, the time and a random tag,
    /// `PP-TERM-1-20261202T101500Z-3fa2` (never the id of another close).
    static func batchID(lane laneID: String?, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
        return "\(laneID ?? "all")-\(stamp)-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }
}
