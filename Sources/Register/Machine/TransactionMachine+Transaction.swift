import RegisterProtocol

extension TransactionMachine {
    /// Opens a transaction and starts its progress frames.
    mutating func begin(_ order: StoreOrder, stage: ProgressStage, at now: ContinuousClock.Instant) {
        current = OpenTransaction(order: order, stage: stage)
        sendProgress(at: now)
        outputs.append(.startTimer(.progress, at: now + configuration.progressInterval))
    }

    func isOpen(_ order: StoreOrder) -> Bool {
        current?.order.orderID == order.orderID
    }

    mutating func setStage(_ stage: ProgressStage, for orderID: String, at now: ContinuousClock.Instant) {
        guard current?.order.orderID == orderID, current?.stage != stage else { return }
        current?.stage = stage
        sendProgress(at: now)
    }

    /// A PROGRESS frame for the open transaction; droppable, so frames never pile up behind a
    /// silent register.
    mutating func sendProgress(at now: ContinuousClock.Instant) {
        guard let open = current else { return }
        let seconds = open.deadline.map { Self.wholeSeconds(until: $0, from: now) }
        reply(
            .progress(
                Progress(
                    receipt: open.order.receipt, stage: open.stage, message: open.stage.displayText,
                    secondsLeft: seconds)),
            droppable: true)
    }

    /// Ends the sale with an outcome its flow learnt (by any result path) — unless the cashier's
    /// abort is on its way to the settlement server. Then the abort's answer decides: a cancel
    /// that reaches the server after the bank approved reverses the payment, so reporting the
    /// approval would let the goods go without money behind them. The outcome is kept until then.
    mutating func settle(_ orderID: String, with outcome: SettlementOutcome, at now: ContinuousClock.Instant)
    {
        guard let open = current, open.order.orderID == orderID, open.cancelRequested else {
            finish(orderID, with: outcome, at: now)
            return
        }
        current?.heldOutcome = outcome
        note(
            .info,
            "receipt \(open.order.receipt): \(outcome.status.name) learnt while the abort is with the settlement server; the abort's answer decides"
        )
    }

    /// Ends the open transaction with this order id (once: later calls are ignored): journals the
    /// result, stops its flow and timers, and sends RESULT.
    mutating func finish(_ orderID: String, with outcome: SettlementOutcome, at now: ContinuousClock.Instant)
    {
        guard let open = current, open.order.orderID == orderID else { return }
        let order = open.order
        let total = open.resultTotal ?? order.total
        let result = TransactionResult(
            receipt: order.receipt, orderID: open.registered ? order.orderID : nil, status: outcome.status,
            reason: outcome.reason.rawValue, message: outcome.message ?? outcome.status.displayText,
            currencyCode: total.currency.code, total: total.minorUnits,
            approvalCode: outcome.approvalCode, cardLast4: outcome.cardLast4,
            receiptData: outcome.status == .approved ? outcome.receiptData : nil)
        let journalID = log.open?.journalID
        if let source = outcome.source {
            write(.appendStep(journalID: journalID, step: "result", detail: "via \(source.rawValue)"))
        }
        write(.complete(journalID: journalID, result))
        current = nil
        outputs.append(.cancelTimer(.progress))
        if open.cancelRequested { outputs.append(.cancelTimer(.abortRetry)) }
        outputs.append(.cancelTimer(.flowRetry))
        cancel(open.flow)
        cancelCalls(of: order.receipt)
        note(.info, "receipt \(order.receipt): \(outcome.status.name) (\(outcome.reason.rawValue))")
        outputs.append(.ended(outcome.status))
        reply(.result(result))
    }

    /// Cancels every call still out for the transaction of `receipt` (a relay's verification, an
    /// abort's cancel): its answer must not reach the next transaction on the same order, as a
    /// void or a refund of the sale shares the sale's order id.
    mutating func cancelCalls(of receipt: String) {
        let stale = calls.filter { $0.value.order?.receipt == receipt }.keys.sorted { $0.number < $1.number }
        for call in stale { cancel(call) }
    }

    static func wholeSeconds(
        until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant
    ) -> UInt32 {
        let remaining = deadline - now
        guard remaining > .zero else { return 0 }
        return UInt32(clamping: remaining.components.seconds)
    }

    /// How a call that failed ends the transaction.
    static func outcome(for error: SettlementGatewayError) -> SettlementOutcome {
        switch error {
        case .notConfigured:
            SettlementOutcome(
                status: .error, reason: .settlementNotConfigured, message: "Settlement not configured")
        case .unreachable, .noAnswer:
            SettlementOutcome(
                status: .error, reason: .settlementUnreachable, message: "Settlement server unreachable")
        case .refused(let detail):
            SettlementOutcome(status: .declined, reason: .declined, message: detail)
        case .relayRejected:
            SettlementOutcome(status: .error, reason: .relayRejected, message: "Result could not be verified")
        }
    }
}
