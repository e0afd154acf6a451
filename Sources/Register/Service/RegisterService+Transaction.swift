import CoreMetrics
import RegisterProtocol

extension RegisterService {
    /// Opens a transaction and starts its progress frames.
    func begin(_ order: StoreOrder, stage: ProgressStage) {
        current = OpenTransaction(order: order, stage: stage)
        sendProgress()
        progressTask?.cancel()
        let interval = configuration.progressInterval
        progressTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                await self.sendProgress()
            }
        }
    }

    func isOpen(_ order: StoreOrder) -> Bool {
        current?.order.orderID == order.orderID
    }

    func setStage(_ stage: ProgressStage, for orderID: String) {
        guard current?.order.orderID == orderID, current?.stage != stage else { return }
        current?.stage = stage
        sendProgress()
    }

    /// Runs a gateway call that reports stages, passing them on to the register in the order the
    /// call reported them, each one before the call's outcome is acted on (so a stage never
    /// overtakes another, nor the RESULT). The call's callback is synchronous: it queues the stage
    /// on a stream that one task drains onto this actor, and that task is awaited before returning.
    func withOrderedStages<T: Sendable>(
        for orderID: String,
        _ call: (_ stage: @escaping @Sendable (ProgressStage) -> Void) async throws(SettlementGatewayError) ->
            T
    ) async throws(SettlementGatewayError) -> T {
        let (stages, continuation) = AsyncStream.makeStream(of: ProgressStage.self)
        let forwarding = Task { [weak self] in
            for await stage in stages { await self?.setStage(stage, for: orderID) }
        }
        let result: Result<T, SettlementGatewayError>
        do throws(SettlementGatewayError) {
            result = .success(try await call { continuation.yield($0) })
        } catch {
            result = .failure(error)
        }
        continuation.finish()
        await forwarding.value
        return try result.get()
    }

    /// Sends a PROGRESS frame for the open transaction; dropped if the register has not yet
    /// acknowledged the previous frame, so frames never pile up behind a silent register.
    func sendProgress() {
        guard let open = current else { return }
        let seconds = open.deadline.map { Self.wholeSeconds(until: $0) }
        reply(
            Progress(
                receipt: open.order.receipt, stage: open.stage, message: open.stage.displayText,
                secondsLeft: seconds),
            droppable: true)
    }

    /// Ends the sale with an outcome its flow learnt (by any result path) — unless the cashier's
    /// abort is on its way to the settlement server. Then the abort's answer decides: a cancel
    /// that reaches the server after the bank approved reverses the payment, so reporting the
    /// approval would let the goods go without money behind them. The outcome is kept until then.
    func settle(_ orderID: String, with outcome: SettlementOutcome) {
        guard let open = current, open.order.orderID == orderID, open.cancelRequested else {
            finish(orderID, with: outcome)
            return
        }
        current?.heldOutcome = outcome
        logger.info(
            "receipt \(open.order.receipt): \(outcome.status.name) learnt while the abort is with the settlement server; the abort's answer decides"
        )
    }

    /// Ends the open transaction with this order id (once: later calls are ignored) and sends RESULT.
    func finish(_ orderID: String, with outcome: SettlementOutcome) {
        guard let open = current, open.order.orderID == orderID else { return }
        let order = open.order
        let total = open.resultTotal ?? order.total
        let result = TransactionResult(
            receipt: order.receipt, orderID: open.registered ? order.orderID : nil, status: outcome.status,
            reason: outcome.reason.rawValue, message: outcome.message ?? outcome.status.displayText,
            currencyCode: total.currency.code, total: total.minorUnits,
            approvalCode: outcome.approvalCode, cardLast4: outcome.cardLast4,
            receiptData: outcome.status == .approved ? outcome.receiptData : nil)
        do {
            if let source = outcome.source { try log.appendStepToNewest("result", "via \(source.rawValue)") }
            try log.completeNewest(with: result)
        } catch {
            // The register still gets the outcome; the operator must look at the disk.
            logger.critical("receipt \(order.receipt): \(error); the result below is not journaled")
        }
        current = nil
        progressTask?.cancel()
        progressTask = nil
        open.flow?.cancel()
        logger.info("receipt \(order.receipt): \(outcome.status.name) (\(outcome.reason.rawValue))")
        Counter(label: "pairpay_register_sales_total", dimensions: [("status", outcome.status.name)])
            .increment()
        reply(result)
    }

    static func wholeSeconds(until deadline: ContinuousClock.Instant) -> UInt32 {
        let remaining = deadline - .now
        guard remaining > .zero else { return 0 }
        return UInt32(clamping: remaining.components.seconds)
    }
}
