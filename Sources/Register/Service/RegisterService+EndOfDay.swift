import RegisterProtocol

extension RegisterService {
    /// The RECEIPT of END OF DAY's PROGRESS and of BUSY while the day is being closed.
    public static let endOfDayReceipt = EndOfDay.receipt

    /// END OF DAY: journals the close (`closing`: from now on nothing may begin, across restarts
    /// too, until it is confirmed), has settlementd close the lane's batch, then confirms it and
    /// starts the next period in one journal write, and reports every period since the previous
    /// END OF DAY as registerd, settlementd and the bank count it. Refused with BUSY while a
    /// transaction is open. With the BATCH ID of an earlier close, asks about that batch again
    /// and closes nothing; sent again while a close is unconfirmed, carries that close on.
    func handleEndOfDay(_ request: EndOfDay) {
        if let open = log.open {
            reply(
                Busy(
                    receipt: open.receipt,
                    message: "Busy with receipt \(open.receipt); close the day after it"))
            return
        }
        if let batchID = request.batchID, log.closingEndOfDay?.batchID != batchID {
            guard let earlier = log.endOfDays.first(where: { $0.batchID == batchID && $0.state == .closed })
            else {
                let known = log.endOfDays.filter { $0.state == .closed }.map(\.batchID)
                reply(
                    ErrorReply(
                        code: .invalidMessage, inReplyTo: MessageType.endOfDay.rawValue,
                        message: known.isEmpty
                            ? "BATCH ID \(batchID) is no earlier close of this lane: none was closed yet"
                            : "BATCH ID \(batchID) is no earlier close of this lane (\(known.first!) to \(known.last!))"
                    ))
                return
            }
            startEndOfDay(earlier, closing: false)
            return
        }
        if !(gateway is UnconfiguredSettlementGateway), log.closingEndOfDay == nil {
            do { _ = try log.beginEndOfDay(terminal: configuration.terminalID) } catch {
                logger.error("end of day could not be journaled: \(error)")
                reply(
                    ErrorReply(
                        code: .invalidMessage, inReplyTo: MessageType.endOfDay.rawValue,
                        message: "registerd's journal cannot be written; nothing was closed"))
                return
            }
        }
        let record =
            log.closingEndOfDay
            ?? EndOfDayRecord(
                batchID: EndOfDayRecord.batchID(terminal: configuration.terminalID, period: log.period),
                firstPeriod: log.period, lastPeriod: log.period, state: .closing)
        startEndOfDay(record, closing: true)
    }

    func startEndOfDay(_ record: EndOfDayRecord, closing: Bool) {
        reply(
            Progress(
                receipt: Self.endOfDayReceipt, stage: .closing,
                message: closing
                    ? "Closing the day: batch \(record.batchID)"
                    : "Asking about batch \(record.batchID) again"))
        logger.info("end of day: batch \(record.batchID)\(closing ? "" : " again")")
        endOfDay = Task { await self.runEndOfDay(record, closing: closing) }
    }

    func runEndOfDay(_ record: EndOfDayRecord, closing: Bool) async {
        defer { endOfDay = nil }
        let totals = log.totals(of: record)
        let batch: BatchReport
        do throws(SettlementGatewayError) {
            batch = try await gateway.closeBatch(
                laneID: configuration.terminalID, batchID: record.batchID, existing: !closing)
        } catch {
            logger.error("end of day: batch \(record.batchID) not closed: \(error)")
            reply(
                EndOfDayComparison.unclosed(
                    batchID: record.batchID, registerd: totals, why: error, periodClosed: !closing))
            return
        }
        if closing {
            do {
                try log.finishEndOfDay()
                logger.info("end of day: batch \(record.batchID) closed; period \(log.period) begins")
            } catch {
                logger.error("end of day: the close could not be journaled: \(error); send END OF DAY again")
            }
        }
        let report = EndOfDayComparison.report(
            batchID: record.batchID, periodClosed: log.closingEndOfDay == nil, registerd: totals, batch: batch
        )
        logger.info(
            "end of day: batch \(record.batchID) \(report.balance.name)",
            metadata: report.differences.isEmpty ? [:] : ["differences": "\(report.differences)"])
        reply(report)
    }
}
