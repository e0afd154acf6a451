import Logging
import PairPayCore
import RegisterProtocol

/// What ``TransactionMachine`` asks its driver to do, in the order given.
public enum TransactionOutput: Equatable, Sendable {
    /// Send this message to the register. A droppable one (PROGRESS) may be left out when the
    /// register has not acknowledged the previous frame.
    case send(RegisterMessage, droppable: Bool)
    /// Write the journal now, then feed ``TransactionEvent/journalWritten(_:_:)`` before carrying
    /// out the outputs that follow.
    case journal(JournalWrite)
    /// Start a call to the settlement server; its stages and answer come back as events.
    case call(GatewayCall, GatewayRequest)
    /// Stop a call: its answer, if it comes, is not fed.
    case cancelCall(GatewayCall)
    /// Feed ``TransactionEvent/timerFired(_:)`` at this instant (replaces the timer if it runs).
    case startTimer(TransactionTimer, at: ContinuousClock.Instant)
    /// Stop a timer.
    case cancelTimer(TransactionTimer)
    /// Log this line.
    case log(Logger.Level, String)
    /// A sale, void or refund ended with this status (the `pairpay_register_sales_total` metric).
    case ended(ResultStatus)
}

/// One write of registerd's journal (``RegisterJournal``). Ids are nil for a transaction kept
/// without a journal; the write is then a no-op that succeeds.
public enum JournalWrite: Equatable, Sendable {
    /// A new transaction, journaled before anything is done for it.
    case insert(TransactionRecord)
    /// The transaction's order reached the settlement server.
    case markRegistered(journalID: Int64?)
    /// One audit step of the transaction (`result via push`, `refund-id …`, `abort requested`).
    case appendStep(journalID: Int64?, step: String, detail: String)
    /// The transaction's result.
    case complete(journalID: Int64?, TransactionResult)
    /// An END OF DAY asked of the settlement server.
    case beginEndOfDay(EndOfDayRecord)
    /// The END OF DAY confirmed, and the period that begins.
    case finishEndOfDay(batchID: String, nextPeriod: Int)
    /// A new totals period.
    case setPeriod(Int)
}

/// The machine's name for one call to the settlement server.
public struct GatewayCall: Hashable, Sendable, CustomStringConvertible {
    public let number: UInt64

    public init(_ number: UInt64) { self.number = number }

    public var description: String { "call \(number)" }
}

/// A call to the settlement server, as ``SettlementGateway`` has them.
public enum GatewayRequest: Equatable, Sendable {
    /// ``SettlementGateway/register(_:)``; answered with ``GatewayReply/invitation(_:)``.
    case register(StoreOrder)
    /// ``SettlementGateway/outcome(of:until:stage:)``; answered with ``GatewayReply/outcome(_:)``.
    case outcome(StoreOrder, until: ContinuousClock.Instant)
    /// ``SettlementGateway/cancel(_:)``; answered with ``GatewayReply/cancel(_:)``.
    case cancel(StoreOrder)
    /// ``SettlementGateway/verifyRelayedResult(_:for:)``; answered with ``GatewayReply/outcome(_:)``.
    case verifyRelay(String, StoreOrder)
    /// ``SettlementGateway/void(_:)``; answered with ``GatewayReply/outcome(_:)``.
    case void(StoreOrder)
    /// ``SettlementGateway/refund(_:refundID:amount:until:stage:)``; answered with
    /// ``GatewayReply/outcome(_:)``.
    case refund(StoreOrder, refundID: String, amount: Money, until: ContinuousClock.Instant)
    /// ``SettlementGateway/closeBatch(laneID:batchID:existing:)``; answered with
    /// ``GatewayReply/batch(_:)``.
    case closeBatch(laneID: String, batchID: String, existing: Bool)
}

/// A settlement server's answer to a ``GatewayRequest``.
public enum GatewayReply: Equatable, Sendable {
    case invitation(PaymentInvitation)
    case outcome(SettlementOutcome)
    case cancel(CancelOutcome)
    case batch(BatchReport)
}

/// The machine's timers.
public enum TransactionTimer: Hashable, Sendable {
    /// PROGRESS again for the open transaction.
    case progress
    /// The cashier's abort asked of the settlement server again.
    case abortRetry
    /// The open transaction's call asked again: the first request of a sale resumed after a
    /// restart (its payment request was shown, so it cannot just end), or a void whose answer
    /// was lost.
    case flowRetry
    /// The results whose journal write failed written again.
    case journalRetry
}
