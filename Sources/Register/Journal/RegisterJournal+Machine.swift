import RegisterProtocol

extension RegisterJournal {
    /// What ``TransactionMachine`` is built from when registerd starts: the transactions and
    /// periods as journaled, and the step details (`abort requested`, `refund-id …`) of the
    /// transaction left open, if any.
    public func machineState() throws(RegisterJournalError) -> (log: TransactionLog, openSteps: [String]) {
        let (records, period) = try load()
        let log = TransactionLog(records: records, period: period, endOfDays: try endOfDays())
        guard let id = log.open?.journalID else { return (log, []) }
        return (log, try stepDetails(of: id))
    }

    /// Carries out one of the machine's ``JournalWrite``s: a synchronous SQLite commit, so call it
    /// off Swift's cooperative pool. The result is what the machine is fed back
    /// (``TransactionEvent/journalWritten(_:_:)``): the id of a new transaction, or why it failed.
    public func carryOut(_ write: JournalWrite) -> Result<Int64?, RegisterJournalError> {
        do throws(RegisterJournalError) {
            switch write {
            case .insert(let record):
                return .success(try insert(record))
            case .markRegistered(let id):
                if let id { try markRegistered(id) }
            case .appendStep(let id, let step, let detail):
                if let id { try appendStep(id, step, detail) }
            case .complete(let id, let result):
                if let id { try complete(id, with: result) }
            case .beginEndOfDay(let record):
                try beginEndOfDay(record)
            case .finishEndOfDay(let batchID, let nextPeriod):
                try finishEndOfDay(batchID, nextPeriod: nextPeriod)
            case .setPeriod(let number):
                try setPeriod(number)
            }
            return .success(nil)
        } catch {
            return .failure(error)
        }
    }
}
