import RegisterProtocol

extension TransactionMachine {
    static let cancelledOutcome = SettlementOutcome(
        status: .cancelled, reason: .cancelled, message: "Cancelled")

    mutating func handleAbort(_ abort: Abort, at now: ContinuousClock.Instant) {
        guard let open = current, open.order.receipt == abort.receipt, case .sale? = log.open?.kind else {
            refuseAbortOfNoOpenSale(abort)
            return
        }
        guard !open.cancelRequested else {
            note(.info, "receipt \(open.order.receipt): the abort is already with the settlement server")
            return
        }
        // Journaled first, so that a restart carries the abort on (its answer must still decide)
        // and a sale that ends unpaid after a restart ends cancelled; then carried out.
        write(.appendStep(journalID: log.open?.journalID, step: "abort", detail: "requested"))
    }

    /// The abort is journaled: carried out.
    mutating func abortJournaled(at now: ContinuousClock.Instant) {
        guard let open = current else { return }
        let order = open.order
        guard open.registered else {
            // The order never reached the settlement server: nothing can have been charged.
            note(.info, "receipt \(order.receipt) aborted before the order was registered")
            finish(order.orderID, with: Self.cancelledOutcome, at: now)
            return
        }
        setStage(.cancelling, for: order.orderID, at: now)
        current?.cancelRequested = true
        call(.cancel(order), for: .cancel(order))
    }

    /// The abort could not be journaled: not carried out (a restart would forget it).
    mutating func abortNotJournaled(_ error: RegisterJournalError) {
        guard let open = current else { return }
        note(.error, "abort of receipt \(open.order.receipt) could not be journaled: \(error)")
        refuse(
            .abort, .abortFailed, "Abort not possible now (registerd's journal cannot be written); try again",
            open.order.receipt)
    }

    mutating func refuseAbortOfNoOpenSale(_ abort: Abort) {
        guard let earlier = log.sale(withReceipt: abort.receipt), let result = earlier.result else {
            refuse(.abort, .noTransaction, "no open sale with receipt \(abort.receipt)", abort.receipt)
            return
        }
        // A sale approved and then voided has its money back: nothing to abort either.
        let voided = log.isVoided(orderID: earlier.orderID)
        // Only a paid sale is "too late" (the register books it as paid); one that ended unpaid
        // has nothing to abort, and saying "too late" would book it as paid.
        if result.status == .approved && !voided {
            refuse(
                .abort, .abortTooLate, "Abort too late: the sale already ended approved; void it instead",
                abort.receipt)
        } else {
            refuse(
                .abort, .alreadyEnded,
                voided
                    ? "Nothing to abort: the sale was approved and then voided"
                    : "Nothing to abort: the sale already ended \(result.status.name)", abort.receipt)
        }
    }

    mutating func cancelAnswered(
        _ order: StoreOrder, _ answer: CancelOutcome, at now: ContinuousClock.Instant
    ) {
        switch answer {
        case .cancelled:
            finish(order.orderID, with: Self.cancelledOutcome, at: now)
        case .tooLate(let outcome):
            // The sale ended before the abort: when paid, the register must hear that it is too
            // late (and VOID); when unpaid, its RESULT alone answers the abort.
            if outcome.status == .approved, isOpen(order) {
                refuse(
                    .abort, .abortTooLate, "Abort too late: the payment completed approved; void it instead",
                    order.receipt)
            }
            finish(order.orderID, with: outcome, at: now)
        }
    }

    mutating func cancelFailed(
        _ order: StoreOrder, _ error: SettlementGatewayError, at now: ContinuousClock.Instant
    ) {
        guard let open = current, open.order.orderID == order.orderID else { return }
        let answerLost = if case .noAnswer = error { true } else { false }
        let notReached = if case .unreachable = error { true } else { false }
        // After a lost answer, or a restart with the abort under way, an unreachable server no
        // longer means that the abort never arrived.
        let mayHaveArrived = answerLost || (open.mayHaveReachedServer && notReached)
        if open.heldOutcome != nil || mayHaveArrived {
            current?.mayHaveReachedServer = true
            // The flow already learnt an outcome (held by `settle`), or the cancel may have reached
            // the server (which then reverses an approved payment, and a result signed before
            // that may still be relayed): the server alone can say now whether the abort took
            // effect, so keep asking it; the register sees PROGRESS cancelling.
            note(
                .warning,
                "abort of receipt \(order.receipt) has no answer from the settlement server (\(error)); asking again"
            )
            outputs.append(.startTimer(.abortRetry, at: now + open.cancelRetryDelay))
            current?.cancelRetryDelay = min(open.cancelRetryDelay * 2, Self.longestCancelRetry)
            return
        }
        note(.warning, "abort of receipt \(order.receipt) could not reach the settlement server: \(error)")
        current?.cancelRequested = false
        write(.appendStep(journalID: log.open?.journalID, step: "abort", detail: "failed"))
        setStage(.waitingForPhone, for: order.orderID, at: now)
        refuse(
            .abort, .abortFailed, "Abort not possible now (\(error)); the sale stays open, try again",
            order.receipt)
    }

    mutating func handleRelay(_ relay: Relay) {
        guard let open = current, open.order.receipt == relay.receipt, case .sale? = log.open?.kind else {
            refuse(.relay, .noTransaction, "no open sale with receipt \(relay.receipt)", relay.receipt)
            return
        }
        call(.verifyRelay(relay.relayData, open.order), for: .verify(open.order))
    }
}
