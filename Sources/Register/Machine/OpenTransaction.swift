import PairPayCore
import RegisterProtocol

/// The transaction ``TransactionMachine`` is carrying out: its order, stage, invitation and
/// deadline, and where the cashier's abort stands.
struct OpenTransaction: Sendable {
    var order: StoreOrder
    var stage: ProgressStage
    var invitation: PaymentInvitation?
    var deadline: ContinuousClock.Instant?
    /// The call that learns how the transaction ends (register then outcome; void; refund).
    var flow: GatewayCall?
    /// The TOTAL the RESULT carries when it is not the sale's (a refund's amount).
    var resultTotal: Money?
    /// Whether the order reached the settlement server (so its id belongs in the RESULT).
    var registered = false
    /// Whether the cashier's abort is on its way to the settlement server: its answer then
    /// decides how the sale ends (see ``TransactionMachine/settle(_:with:at:)``).
    var cancelRequested = false
    /// An outcome the flow learnt while the abort was on its way.
    var heldOutcome: SettlementOutcome?
    /// How long to wait before asking the abort again.
    var cancelRetryDelay: Duration = TransactionMachine.firstCancelRetry
    /// Whether an earlier attempt of the sale's abort or of the void may have reached the
    /// settlement server (an answer was lost, or registerd restarted with it under way): a later
    /// failure to reach the server then cannot mean that nothing happened.
    var mayHaveReachedServer = false
    /// How long to wait before asking the transaction's call again (``TransactionTimer/flowRetry``).
    var flowRetryDelay: Duration = TransactionMachine.firstCancelRetry
}

/// A gateway call the machine waits for, and what it was for.
enum PendingCall: Sendable {
    case register(StoreOrder)
    case outcome(StoreOrder)
    case cancel(StoreOrder)
    case verify(StoreOrder)
    case void(StoreOrder)
    case refund(StoreOrder)
    case closeBatch(EndOfDayRecord, closing: Bool)

    var order: StoreOrder? {
        switch self {
        case .register(let order), .outcome(let order), .cancel(let order), .verify(let order),
            .void(let order), .refund(let order):
            order
        case .closeBatch: nil
        }
    }
}

/// What is done once the journal has stored a new transaction.
enum AfterInsert: Sendable {
    case sale(StoreOrder)
    case void(StoreOrder)
    case refund(Refund, StoreOrder, refundID: String)
}

/// The END OF DAY being carried out.
struct EndOfDayInFlight: Sendable {
    var record: EndOfDayRecord
    var closing: Bool
    /// The batch the settlement server closed, while its confirmation is being journaled.
    var closed: BatchReport?
}
