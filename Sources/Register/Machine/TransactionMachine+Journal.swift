import RegisterProtocol

extension TransactionMachine {
    /// Journals a new transaction before anything is done for it; `next` runs once the write is
    /// confirmed (``journalWritten(_:_:at:)``).
    mutating func journalNew(_ record: TransactionRecord, then next: AfterInsert) {
        afterInsert = next
        write(.insert(record))
    }

    /// A journal write's outcome. A new transaction, an END OF DAY and a new period change the
    /// log only once journaled; when the new transaction cannot be written, the request ends at
    /// once with RESULT `internal-error` (not paid, nothing sent to the settlement server).
    mutating func journalWritten(
        _ write: JournalWrite, _ outcome: Result<Int64?, RegisterJournalError>,
        at now: ContinuousClock.Instant
    ) {
        switch (write, outcome) {
        case (.insert(var record), .success(let id)):
            record.journalID = id
            log.recordAppended(record)
            let next = afterInsert
            afterInsert = nil
            switch next {
            case .sale(let order): startSale(order, registered: false, at: now)
            case .void(let order):
                note(.info, "void \(record.receipt) of order \(order.orderID)")
                startVoid(order, at: now)
            case .refund(let refund, let order, let refundID):
                // The id is journaled: a restart with another terminal id still asks under the same one.
                self.write(.appendStep(journalID: id, step: "refund-id", detail: refundID))
                note(
                    .info,
                    "refund \(refund.receipt) of \(refund.total) of order \(refund.orderID) as \(refundID)")
                startRefund(refund, of: order, id: refundID, at: now)
            case nil: break
            }
        case (.insert(let record), .failure(let error)):
            afterInsert = nil
            note(.critical, "receipt \(record.receipt) refused: \(error)")
            reply(
                .result(
                    TransactionResult(
                        receipt: record.receipt, status: .error, reason: ResultReason.internalError.rawValue,
                        message: "Journal unavailable: not paid")))
        case (.markRegistered, .success):
            log.recordRegistered()
            showPaymentRequest(at: now)
        case (.markRegistered, .failure(let error)):
            // The payment request is not shown: a restart could not tell that the customer may
            // have paid. The order expires at the server unpaid.
            note(.critical, "receipt \(current?.order.receipt ?? "-"): \(error); the sale ends unpaid")
            if let open = current {
                finish(
                    open.order.orderID,
                    with: SettlementOutcome(
                        status: .error, reason: .internalError, message: "Journal unavailable: not paid"),
                    at: now)
            }
        case (.complete(let id, let result), .success):
            log.recordCompleted(result, journalID: id)
        case (.complete(let id, let result), .failure(let error)):
            // The register still gets the outcome, and the lane goes on; the write is tried again
            // until the journal takes it (a restart before then asks the server again).
            note(.critical, "receipt \(result.receipt): \(error); the result below is not journaled yet")
            log.recordCompleted(result, journalID: id)
            unjournaled.append(write)
            outputs.append(.startTimer(.journalRetry, at: now + journalRetryDelay))
            journalRetryDelay = min(journalRetryDelay * 2, Self.longestJournalRetry)
        case (.appendStep(_, "abort", "requested"), .success):
            abortJournaled(at: now)
        case (.appendStep(_, "abort", "requested"), .failure(let error)):
            abortNotJournaled(error)
        case (.appendStep(_, "refund-id", _), .failure(let error)):
            note(.error, "refund \(log.newest?.receipt ?? "-"): its id could not be journaled: \(error)")
        case (.appendStep, .failure(let error)):
            note(.error, "\(error)")
        case (.appendStep, .success):
            break
        case (.beginEndOfDay(let record), .success):
            log.recordEndOfDayBegun(record)
            startEndOfDay(record, closing: true)
        case (.beginEndOfDay, .failure(let error)):
            note(.error, "end of day could not be journaled: \(error)")
            refuse(
                .endOfDay, .invalidMessage, "registerd's journal cannot be written; nothing was closed", nil)
        case (.finishEndOfDay(let batchID, _), let outcome):
            if case .failure(let error) = outcome {
                note(.error, "end of day: the close could not be journaled: \(error); send END OF DAY again")
            } else {
                log.recordEndOfDayConfirmed()
                note(.info, "end of day: batch \(batchID) closed; period \(log.period) begins")
            }
            if let inFlight = endOfDay, let batch = inFlight.closed { report(inFlight.record, batch) }
        case (.setPeriod, .success):
            log.recordPeriodClosed()
            note(.info, "totals period closed; period \(log.period) begins")
        case (.setPeriod, .failure(let error)):
            note(.error, "the totals period could not be closed: \(error)")
        }
    }

    /// Carries on with a transaction that was open when registerd stopped (crash, power cut):
    /// the flow runs again with the same order id (the first request is idempotent at the
    /// settlement server), so its outcome is learnt and journaled, and STATUS reports it. An abort
    /// that was with the settlement server is asked again: its answer still decides.
    mutating func resumeOpenTransaction(at now: ContinuousClock.Instant) {
        guard let open = log.open, let orderID = open.orderID else { return }
        switch open.kind {
        case .sale(let sale):
            guard let validated = try? sale.validated() else { return }
            let order = StoreOrder(orderID: orderID, receipt: open.receipt, sale: validated)
            guard open.registered else {
                endUnregistered(order, at: now)
                return
            }
            note(.notice, "resuming receipt \(open.receipt) (order \(orderID)) after a restart")
            startSale(order, registered: open.registered, at: now)
            if open.registered, recoveredStep("abort") == "requested" {
                note(
                    .notice, "receipt \(open.receipt): the abort was with the settlement server; asking again"
                )
                current?.cancelRequested = true
                current?.mayHaveReachedServer = true
                setStage(.cancelling, for: orderID, at: now)
                call(.cancel(order), for: .cancel(order))
            }
        case .void(let void):
            guard let order = order(of: void.orderID, receipt: void.receipt) else { return }
            note(.notice, "resuming void \(void.receipt) (order \(void.orderID)) after a restart")
            startVoid(order, at: now)
            current?.mayHaveReachedServer = true
        case .refund(let refund):
            guard let order = order(of: refund.orderID, receipt: refund.receipt) else { return }
            note(.notice, "resuming refund \(refund.receipt) (order \(refund.orderID)) after a restart")
            let id =
                recoveredStep("refund-id")
                ?? Self.refundID(terminal: configuration.terminalID, receipt: refund.receipt)
            startRefund(refund, of: order, id: id, at: now)
        }
    }

    /// A sale whose order the journal never confirmed at the settlement server: its payment
    /// request was never shown, so nothing can have been paid, and the register may already have
    /// been told so. It ends unpaid, without asking the server: cancelled when the cashier had
    /// aborted it, otherwise `settlement-unreachable` (ring it up again).
    mutating func endUnregistered(_ order: StoreOrder, at now: ContinuousClock.Instant) {
        note(
            .notice,
            "receipt \(order.receipt) (order \(order.orderID)) had not reached the settlement server; it ends unpaid"
        )
        current = OpenTransaction(order: order, stage: .registering)
        let outcome =
            recoveredStep("abort") == "requested"
            ? Self.cancelledOutcome
            : SettlementOutcome(
                status: .error, reason: .settlementUnreachable,
                message: "registerd restarted before the order reached the settlement server: not paid")
        finish(order.orderID, with: outcome, at: now)
    }

    /// The order of the journaled sale `orderID`, under the receipt of a void or refund of it.
    func order(of orderID: String, receipt: String) -> StoreOrder? {
        guard let saleRecord = log.sale(withOrderID: orderID), case .sale(let sale) = saleRecord.kind,
            let validated = try? sale.validated()
        else { return nil }
        return StoreOrder(orderID: orderID, receipt: receipt, sale: validated)
    }

    /// The detail of the last journaled step `step` of the transaction the journal kept open.
    func recoveredStep(_ step: String) -> String? {
        recoveredSteps.last { $0.hasPrefix(step + " ") }.map { String($0.dropFirst(step.count + 1)) }
    }
}
