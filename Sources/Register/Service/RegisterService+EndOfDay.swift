import RegisterProtocol

extension RegisterService {
    /// The RECEIPT of END OF DAY's PROGRESS and of BUSY while the day is being closed.
    public static let endOfDayReceipt = "END-OF-DAY"

    /// END OF DAY: closes the lane's batch at settlementd under `<terminal id>-<period>`, then the
    /// period here, and reports the period as registerd, settlementd and the bank count it. Refused
    /// with BUSY while a transaction is open (it would belong to the period being closed). With
    /// the BATCH ID of an earlier close, asks about that batch again and closes nothing.
    func handleEndOfDay(_ request: EndOfDay) {
        if let open = log.open {
            reply(
                Busy(
                    receipt: open.receipt,
                    message: "Busy with receipt \(open.receipt); close the day after it"))
            return
        }
        let period: Int
        if let batchID = request.batchID {
            guard let earlier = Self.period(ofBatch: batchID, terminal: configuration.terminalID),
                earlier < log.period
            else {
                reply(
                    ErrorReply(
                        code: .invalidMessage, inReplyTo: MessageType.endOfDay.rawValue,
                        message:
                            "BATCH ID \(batchID) is not an earlier close of this lane (\(configuration.terminalID)-1 to \(configuration.terminalID)-\(log.period - 1))"
                    ))
                return
            }
            period = earlier
        } else {
            period = log.period
        }
        let batchID = Self.batchID(terminal: configuration.terminalID, period: period)
        let closing = request.batchID == nil
        reply(
            Progress(
                receipt: Self.endOfDayReceipt, stage: .closing,
                message: closing ? "Closing the day: batch \(batchID)" : "Asking about batch \(batchID) again"
            ))
        logger.info("end of day: batch \(batchID)\(closing ? "" : " again")")
        let ours = log.totals(period: period)
        endOfDay = Task { await self.runEndOfDay(batchID: batchID, totals: ours, closing: closing) }
    }

    func runEndOfDay(batchID: String, totals: [CurrencyTotals], closing: Bool) async {
        defer { endOfDay = nil }
        let batch: BatchReport
        do throws(SettlementGatewayError) {
            batch = try await gateway.closeBatch(laneID: configuration.terminalID, batchID: batchID)
        } catch {
            logger.error("end of day: batch \(batchID) not closed: \(error)")
            reply(EndOfDayComparison.unreachable(batchID: batchID, registerd: totals, why: error.description))
            return
        }
        var closed = !closing
        if closing {
            do {
                try log.closePeriod()
                closed = true
                logger.info("end of day: period closed; period \(log.period) begins")
            } catch {
                logger.error("end of day: the period could not be closed: \(error)")
            }
        }
        let report = EndOfDayComparison.report(
            batchID: batchID, periodClosed: closed, registerd: totals, batch: batch)
        logger.info(
            "end of day: batch \(batchID) \(report.balance)",
            metadata: report.differences.isEmpty ? [:] : ["differences": "\(report.differences)"])
        reply(report)
    }

    /// The batch id of a period: `<terminal id>-<period>`.
    public static func batchID(terminal: String, period: Int) -> String { "\(terminal)-\(period)" }

    /// The period of a batch id of this terminal, or nil.
    static func period(ofBatch batchID: String, terminal: String) -> Int? {
        let prefix = terminal + "-"
        guard batchID.hasPrefix(prefix), let period = Int(batchID.dropFirst(prefix.count)), period >= 1 else {
            return nil
        }
        return period
    }
}
