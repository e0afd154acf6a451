import RegisterProtocol

extension RegisterService {
    func handleAbort(_ abort: Abort) {
        guard let open = current, open.order.receipt == abort.receipt, case .sale? = log.open?.kind else {
            if let earlier = log.sale(withReceipt: abort.receipt), let result = earlier.result {
                // A sale approved and then voided has its money back: nothing to abort either.
                let voided = log.records.contains { record in
                    guard case .void(let void) = record.kind else { return false }
                    return void.orderID == earlier.orderID && record.result?.status == .cancelled
                }
                // Only a paid sale is "too late" (the register books it as paid); one that ended
                // unpaid has nothing to abort, and saying "too late" would book it as paid.
                reply(
                    result.status == .approved && !voided
                        ? ErrorReply(
                            code: .abortTooLate, inReplyTo: MessageType.abort.rawValue,
                            message: "Abort too late: the sale already ended approved; void it instead",
                            receipt: abort.receipt)
                        : ErrorReply(
                            code: .alreadyEnded, inReplyTo: MessageType.abort.rawValue,
                            message: voided
                                ? "Nothing to abort: the sale was approved and then voided"
                                : "Nothing to abort: the sale already ended \(result.status.name)",
                            receipt: abort.receipt))
            } else {
                reply(
                    ErrorReply(
                        code: .noTransaction, inReplyTo: MessageType.abort.rawValue,
                        message: "no open sale with receipt \(abort.receipt)", receipt: abort.receipt))
            }
            return
        }
        let order = open.order
        guard open.registered else {
            // The order never reached the settlement server: nothing can have been charged.
            logger.info("receipt \(order.receipt) aborted before the order was registered")
            finish(
                order.orderID,
                with: SettlementOutcome(status: .cancelled, reason: .cancelled, message: "Cancelled"))
            return
        }
        setStage(.cancelling, for: order.orderID)
        current?.cancelRequested = true
        Task { await self.cancel(order) }
    }

    func cancel(_ order: StoreOrder) async {
        var delay: Duration = .milliseconds(500)
        while !(await attemptCancel(order)) {
            // The flow already learnt an outcome (held by `settle`): the server alone can say now
            // whether the abort took effect, so keep asking it; the register sees PROGRESS cancelling.
            try? await Task.sleep(for: delay)
            guard isOpen(order), current?.cancelRequested == true else { return }
            delay = min(delay * 2, .seconds(8))
        }
    }

    /// One cancel request; false when it must be repeated (it failed after the flow had ended).
    func attemptCancel(_ order: StoreOrder) async -> Bool {
        do throws(SettlementGatewayError) {
            switch try await gateway.cancel(order) {
            case .cancelled:
                finish(
                    order.orderID,
                    with: SettlementOutcome(status: .cancelled, reason: .cancelled, message: "Cancelled"))
            case .tooLate(let outcome):
                // The sale ended before the abort: when paid, the register must hear that it is
                // too late (and VOID); when unpaid, its RESULT alone answers the abort.
                if outcome.status == .approved {
                    reply(
                        ErrorReply(
                            code: .abortTooLate, inReplyTo: MessageType.abort.rawValue,
                            message: "Abort too late: the payment completed approved; void it instead",
                            receipt: order.receipt))
                }
                finish(order.orderID, with: outcome)
            }
            return true
        } catch {
            guard isOpen(order) else { return true }
            if current?.heldOutcome != nil {
                logger.warning(
                    "abort of receipt \(order.receipt) could not reach the settlement server (\(error)); asking again"
                )
                return false
            }
            logger.warning(
                "abort of receipt \(order.receipt) could not reach the settlement server: \(error)")
            current?.cancelRequested = false
            setStage(.waitingForPhone, for: order.orderID)
            reply(
                ErrorReply(
                    code: .abortFailed, inReplyTo: MessageType.abort.rawValue,
                    message: "Abort not possible now (\(error)); the sale stays open, try again",
                    receipt: order.receipt))
            return true
        }
    }

    func handleRelay(_ relay: Relay) {
        guard let open = current, open.order.receipt == relay.receipt, case .sale? = log.open?.kind else {
            reply(
                ErrorReply(
                    code: .noTransaction, inReplyTo: MessageType.relay.rawValue,
                    message: "no open sale with receipt \(relay.receipt)", receipt: relay.receipt))
            return
        }
        let order = open.order
        Task { await self.verify(relay, for: order) }
    }

    func verify(_ relay: Relay, for order: StoreOrder) async {
        do throws(SettlementGatewayError) {
            let outcome = try await gateway.verifyRelayedResult(relay.relayData, for: order)
            logger.info("receipt \(order.receipt): relayed result accepted")
            settle(order.orderID, with: outcome)
        } catch {
            logger.warning("receipt \(order.receipt): relayed result refused: \(error)")
            reply(
                ErrorReply(
                    code: .relayRejected, inReplyTo: MessageType.relay.rawValue,
                    message: "Relayed result refused: \(error)", receipt: order.receipt))
        }
    }
}
