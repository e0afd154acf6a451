import RegisterProtocol

extension TransactionMachine {
    /// END OF DAY: journals the close (`closing`: from now on nothing may begin, across restarts
    /// too, until it is confirmed), has settlementd close the lane's batch, then confirms it and
    /// starts the next period in one journal write, and reports every period since the previous
    /// END OF DAY as registerd, settlementd and the bank count it. Refused with BUSY while a
    /// transaction is open. With the BATCH ID of an earlier close, asks about that batch again
    /// and closes nothing; sent again while a close is unconfirmed, carries that close on.
    mutating func handleEndOfDay(_ request: EndOfDay) {
        if let open = log.open {
            reply(
                .busy(
                    Busy(
                        receipt: open.receipt,
                        message: "Busy with receipt \(open.receipt); close the day after it")))
            return
        }
        if let batchID = request.batchID, log.closingEndOfDay?.batchID != batchID {
            guard let earlier = log.endOfDays.first(where: { $0.batchID == batchID && $0.state == .closed })
            else {
                let known = log.endOfDays.filter { $0.state == .closed }.map(\.batchID)
                refuse(
                    .endOfDay, .invalidMessage,
                    known.isEmpty
                        ? "BATCH ID \(batchID) is no earlier close of this lane: none was closed yet"
                        : "BATCH ID \(batchID) is no earlier close of this lane (\(known.first!) to \(known.last!))",
                    nil)
                return
            }
            startEndOfDay(earlier, closing: false)
            return
        }
        if settlementConfigured, log.closingEndOfDay == nil {
            // Journaled first; the close goes on when the write is confirmed.
            write(.beginEndOfDay(log.nextEndOfDay(terminal: configuration.terminalID)))
            return
        }
        let record =
            log.closingEndOfDay
            ?? EndOfDayRecord(
                batchID: EndOfDayRecord.batchID(terminal: configuration.terminalID, period: log.period),
                firstPeriod: log.period, lastPeriod: log.period, state: .closing)
        startEndOfDay(record, closing: true)
    }

    mutating func startEndOfDay(_ record: EndOfDayRecord, closing: Bool) {
        reply(
            .progress(
                Progress(
                    receipt: EndOfDay.receipt, stage: .closing,
                    message: closing
                        ? "Closing the day: batch \(record.batchID)"
                        : "Asking about batch \(record.batchID) again")))
        note(.info, "end of day: batch \(record.batchID)\(closing ? "" : " again")")
        endOfDay = EndOfDayInFlight(record: record, closing: closing)
        call(
            .closeBatch(laneID: configuration.terminalID, batchID: record.batchID, existing: !closing),
            for: .closeBatch(record, closing: closing))
    }

    mutating func batchNotClosed(_ record: EndOfDayRecord, _ error: SettlementGatewayError, closing: Bool) {
        endOfDay = nil
        note(.error, "end of day: batch \(record.batchID) not closed: \(error)")
        reply(
            .endOfDayReport(
                EndOfDayComparison.unclosed(
                    batchID: record.batchID, registerd: log.totals(of: record), why: error,
                    periodClosed: !closing)))
    }

    mutating func batchClosed(_ record: EndOfDayRecord, _ batch: BatchReport, closing: Bool) {
        guard closing, let closingRecord = log.closingEndOfDay, closingRecord.batchID == record.batchID else {
            report(record, batch)
            return
        }
        // Confirmed and the next period begun in one write; the report follows its outcome.
        endOfDay?.closed = batch
        write(.finishEndOfDay(batchID: record.batchID, nextPeriod: closingRecord.lastPeriod + 1))
    }

    /// Sends END OF DAY REPORT; the day's close is over.
    mutating func report(_ record: EndOfDayRecord, _ batch: BatchReport) {
        endOfDay = nil
        let report = EndOfDayComparison.report(
            batchID: record.batchID, periodClosed: log.closingEndOfDay == nil,
            registerd: log.totals(of: record),
            batch: batch)
        note(
            .info,
            "end of day: batch \(record.batchID) \(report.balance.name)"
                + (report.differences.isEmpty ? "" : " (differences: \(report.differences))"))
        reply(.endOfDayReport(report))
    }
}
