import RegisterProtocol

/// Everything that happens to ``TransactionMachine``: a driver feeds these with the time they
/// happened at.
public enum TransactionEvent: Sendable {
    /// The machine starts serving: a transaction the journal kept open is resumed.
    case started
    /// A data frame from the register.
    case received(Frame)
    /// The driver carried out a ``TransactionOutput/journal(_:)`` write: the journal id a new
    /// transaction got (nil without a journal), or why it failed. Fed before any other event.
    case journalWritten(JournalWrite, Result<Int64?, RegisterJournalError>)
    /// A gateway call reported a stage (in the order it reported them, before its answer).
    case gatewayStage(GatewayCall, ProgressStage)
    /// A gateway call answered. A call the machine cancelled is not answered.
    case gatewayAnswered(GatewayCall, Result<GatewayReply, SettlementGatewayError>)
    /// A timer the machine started is due.
    case timerFired(TransactionTimer)
}
