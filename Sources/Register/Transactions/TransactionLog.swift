import RegisterProtocol

/// The transactions registerd has handled, newest last, with the current totals period.
///
/// Kept in memory for quick answers and written through to the ``RegisterJournal`` when there is
/// one, before registerd acts on the change: after a restart ``init(journal:)`` reads it all back.
/// Without a journal (tests, demos) it lives only as long as the process.
public struct TransactionLog: Sendable {
    public private(set) var records: [TransactionRecord] = []
    public private(set) var period = 1
    /// Every END OF DAY, oldest first.
    public private(set) var endOfDays: [EndOfDayRecord] = []
    let journal: RegisterJournal?

    /// A memory-only log holding what a journal was read back as (``TransactionMachine`` keeps
    /// its log this way and has its driver write the journal).
    public init(records: [TransactionRecord], period: Int, endOfDays: [EndOfDayRecord]) {
        self.journal = nil
        self.records = records
        self.period = period
        self.endOfDays = endOfDays
    }

    /// A log backed by `journal` (read back at once), or a memory-only log.
    public init(journal: RegisterJournal? = nil) throws(RegisterJournalError) {
        self.journal = journal
        if let journal {
            (records, period) = try journal.load()
            endOfDays = try journal.endOfDays()
        }
    }

    /// The END OF DAY asked of the settlement server and not confirmed, if any.
    public var closingEndOfDay: EndOfDayRecord? { endOfDays.last.flatMap { $0.state == .closing ? $0 : nil } }

    /// Begins an END OF DAY of `terminal` (journaled first): every period since the previous one
    /// up to the current one, batch `<terminal>-<period>`. The one still closing, if there is one.
    public mutating func beginEndOfDay(terminal: String) throws(RegisterJournalError) -> EndOfDayRecord {
        if let closing = closingEndOfDay { return closing }
        let record = nextEndOfDay(terminal: terminal)
        try journal?.beginEndOfDay(record)
        recordEndOfDayBegun(record)
        return record
    }

    /// The END OF DAY that `terminal` would begin now: every period since the previous one up to
    /// the current one, batch `<terminal>-<period>`.
    public func nextEndOfDay(terminal: String) -> EndOfDayRecord {
        let first = (endOfDays.last?.lastPeriod ?? 0) + 1
        return EndOfDayRecord(
            batchID: EndOfDayRecord.batchID(terminal: terminal, period: period),
            firstPeriod: min(first, period), lastPeriod: period,
            state: .closing)
    }

    /// Confirms the closing END OF DAY and starts the next period (journaled first, in one write).
    public mutating func finishEndOfDay() throws(RegisterJournalError) {
        guard let closing = closingEndOfDay else { return }
        try journal?.finishEndOfDay(closing.batchID, nextPeriod: closing.lastPeriod + 1)
        recordEndOfDayConfirmed()
    }

    /// The totals of every period of an END OF DAY, together.
    public func totals(of endOfDay: EndOfDayRecord) -> [CurrencyTotals] {
        var byCurrency: [String: CurrencyTotals] = [:]
        for number in endOfDay.firstPeriod...endOfDay.lastPeriod {
            for total in totals(period: number) {
                byCurrency[total.currencyCode, default: CurrencyTotals(currencyCode: total.currencyCode)].add(
                    total)
            }
        }
        return byCurrency.values.sorted { $0.currencyCode < $1.currencyCode }
    }

    /// The newest transaction, if any.
    public var newest: TransactionRecord? { records.last }

    /// The open transaction, if any (there is at most one).
    public var open: TransactionRecord? { records.last.flatMap { $0.isCompleted ? nil : $0 } }

    /// Records a new transaction (journaled first).
    public mutating func append(_ record: TransactionRecord) throws(RegisterJournalError) {
        var record = record
        record.journalID = try journal?.insert(record)
        recordAppended(record)
    }

    /// Notes that the open transaction's order reached the settlement server.
    public mutating func markNewestRegistered() throws(RegisterJournalError) {
        guard let last = records.last, !last.registered else { return }
        if let id = last.journalID { try journal?.markRegistered(id) }
        recordRegistered()
    }

    /// Journals one audit step of the newest transaction (`result`, `via query`, …); a no-op
    /// without a journal.
    public func appendStepToNewest(_ step: String, _ detail: String) throws(RegisterJournalError) {
        guard let id = records.last?.journalID else { return }
        try journal?.appendStep(id, step, detail)
    }

    /// The detail of the newest transaction's journaled step `step` (the last one), if any.
    public func newestStepDetail(_ step: String) -> String? {
        guard let id = records.last?.journalID,
            let details = try? journal?.stepDetails(of: id)
        else { return nil }
        return details.last { $0.hasPrefix(step + " ") }.map { String($0.dropFirst(step.count + 1)) }
    }

    /// Records the result of the newest transaction, which must be open (journaled first).
    public mutating func completeNewest(with result: TransactionResult) throws(RegisterJournalError) {
        guard let last = records.last, !last.isCompleted else { return }
        if let id = last.journalID { try journal?.complete(id, with: result) }
        recordCompleted(result)
    }

    /// The last sale with this receipt, if any.
    public func sale(withReceipt receipt: String) -> TransactionRecord? {
        records.last { record in
            if case .sale = record.kind { return record.receipt == receipt }
            return false
        }
    }

    /// The last void with this receipt, if any.
    public func void(withReceipt receipt: String) -> TransactionRecord? {
        records.last { record in
            if case .void = record.kind { return record.receipt == receipt }
            return false
        }
    }

    /// The last refund with this receipt, if any.
    public func refund(withReceipt receipt: String) -> TransactionRecord? {
        records.last { record in
            if case .refund = record.kind { return record.receipt == receipt }
            return false
        }
    }

    /// What the refunds of `orderID` that gave money back add up to, in minor units.
    public func refunded(orderID: String) -> Int64 {
        records.reduce(0) { sum, record in
            guard case .refund(let refund) = record.kind, refund.orderID == orderID,
                record.result?.status == .approved
            else { return sum }
            return sum + refund.total
        }
    }

    /// Whether a void gave the money of `orderID` back.
    public func isVoided(orderID: String?) -> Bool {
        records.contains { record in
            guard case .void(let void) = record.kind else { return false }
            return void.orderID == orderID && record.result?.status == .cancelled
        }
    }

    /// The last transaction (sale, void or refund) with this receipt, if any.
    public func transaction(withReceipt receipt: String) -> TransactionRecord? {
        records.last { $0.receipt == receipt }
    }

    /// The sale with this order id, if any.
    public func sale(withOrderID orderID: String) -> TransactionRecord? {
        records.last { record in
            if case .sale = record.kind { return record.orderID == orderID }
            return false
        }
    }

    /// The totals of the current period, one entry per currency, sorted by currency code.
    public func totals() -> [CurrencyTotals] { totals(period: period) }

    /// The totals of period `number` (an earlier one, or the current one).
    public func totals(period number: Int) -> [CurrencyTotals] {
        var byCurrency: [String: CurrencyTotals] = [:]
        for record in records where record.period == number {
            guard let result = record.result, let currency = result.currencyCode, let total = result.total
            else {
                continue
            }
            var entry = byCurrency[currency] ?? CurrencyTotals(currencyCode: currency)
            switch (record.kind, result.status) {
            case (.sale, .approved):
                entry.approvedCount += 1
                entry.approvedAmount += total
            case (.sale, _):
                entry.declinedCount += 1
            case (.void, .cancelled):
                entry.voidedCount += 1
                entry.voidedAmount += total
            case (.void, _):
                break
            case (.refund, .approved):
                entry.refundedCount += 1
                entry.refundedAmount += total
            case (.refund, _):
                break
            }
            byCurrency[currency] = entry
        }
        return byCurrency.values.sorted { $0.currencyCode < $1.currencyCode }
    }

    /// Starts a new totals period (journaled first).
    public mutating func closePeriod() throws(RegisterJournalError) {
        try journal?.setPeriod(period + 1)
        recordPeriodClosed()
    }

    // MARK: - Changes in memory, once journaled

    /// Takes in a new transaction its journal write has stored (with its journal id).
    mutating func recordAppended(_ record: TransactionRecord) { records.append(record) }

    /// Notes in memory that the open transaction's order reached the settlement server.
    mutating func recordRegistered() {
        guard !records.isEmpty else { return }
        records[records.count - 1].registered = true
    }

    /// Notes in memory the result of the newest transaction, if it is open (and, given a journal
    /// id, is that transaction: a result written again later must not complete a newer one).
    mutating func recordCompleted(_ result: TransactionResult, journalID: Int64? = nil) {
        guard let last = records.last, !last.isCompleted, journalID == nil || last.journalID == journalID
        else { return }
        records[records.count - 1].result = result
    }

    /// Takes in an END OF DAY whose beginning is journaled.
    mutating func recordEndOfDayBegun(_ record: EndOfDayRecord) { endOfDays.append(record) }

    /// Confirms the closing END OF DAY in memory and starts the next period.
    mutating func recordEndOfDayConfirmed() {
        guard let closing = closingEndOfDay else { return }
        endOfDays[endOfDays.count - 1].state = .closed
        period = closing.lastPeriod + 1
    }

    /// Starts the next totals period in memory.
    mutating func recordPeriodClosed() { period += 1 }
}
