import DurableSQLite
import Logging
import PairPayCore
import RegisterLink
import RegisterProtocol

/// registerd's store side: answers the register on the link and runs one transaction at a time
/// against the settlement server (`hw/PROTOCOL.md` §7).
///
/// It keeps the register informed while it waits (PROGRESS at least every `progressInterval`),
/// and keeps every transaction going across link loss: the register learns the outcome with
/// STATUS REQUEST. A sale repeated with the same receipt is never charged twice.
public actor RegisterService {
    /// The settings of the service.
    public struct Configuration: Sendable {
        public var terminalID: String
        public var software: String
        public var progressInterval: Duration
        public var maximumPayload: Int
        /// How long a REFUND waits for the settlement server's result before it ends `error`
        /// (`settlement-unreachable`; the same REFUND sent again picks the refund up).
        public var refundTimeout: Duration

        public init(
            terminalID: String, software: String = "registerd", progressInterval: Duration = .seconds(1),
            maximumPayload: Int = Frame.maximumPayloadSize, refundTimeout: Duration = .seconds(120)
        ) {
            self.refundTimeout = refundTimeout
            self.terminalID = terminalID
            self.software = software
            self.progressInterval = progressInterval
            self.maximumPayload = maximumPayload
        }
    }

    /// The journal's writes are synchronous SQLite commits that wait for fsync: the actor runs on a
    /// dispatch queue of its own, so that they never block Swift's cooperative pool.
    let executor = BlockingWorkExecutor(label: "pairpay.register-service")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let link: SerialLink
    let configuration: Configuration
    let gateway: any SettlementGateway
    let logger: Logger
    let orderIDs: OrderIDGenerator

    var log: TransactionLog
    /// The open transaction's order, stage, invitation and deadline.
    var current: OpenTransaction?
    var progressTask: Task<Void, Never>?
    /// The END OF DAY being carried out, if one is.
    var endOfDay: Task<Void, Never>?
    /// Whether the register's device is open now.
    public private(set) var linkIsOpen = false
    /// How many times the device was opened (1 after start, more after reconnects).
    public private(set) var linkOpenings = 0

    struct OpenTransaction {
        var order: StoreOrder
        var stage: ProgressStage
        var invitation: PaymentInvitation?
        var deadline: ContinuousClock.Instant?
        var flow: Task<Void, Never>?
        /// The TOTAL the RESULT carries when it is not the sale's (a refund's amount).
        var resultTotal: Money?
        /// Whether the order reached the settlement server (so its id belongs in the RESULT).
        var registered = false
        /// Whether the cashier's abort is on its way to the settlement server: its answer then
        /// decides how the sale ends (see ``settle(_:with:)``).
        var cancelRequested = false
        /// An outcome the flow learnt while the abort was on its way.
        var heldOutcome: SettlementOutcome?
    }

    /// - Parameter journal: where transactions are kept durably; without one they live only as long
    ///   as the process (tests and demos).
    /// - Throws: ``RegisterJournalError`` when the journal cannot be read.
    public init(
        link: SerialLink, configuration: Configuration, gateway: any SettlementGateway, logger: Logger,
        journal: RegisterJournal? = nil
    ) throws(RegisterJournalError) {
        self.log = try TransactionLog(journal: journal)
        self.link = link
        self.configuration = configuration
        self.gateway = gateway
        self.logger = logger
        self.orderIDs = OrderIDGenerator(terminalID: configuration.terminalID)
    }

    /// Serves the link until its event stream ends (when the link is stopped: in registerd's
    /// `ServiceGroup`, by ``SerialLinkService`` on graceful shutdown; see
    /// ``RegisterTransactionService``). The service must be the only
    /// consumer of the link's events. An open transaction's flow is cancelled then; the journal
    /// keeps it open and the next start resumes it.
    public func run() async {
        resumeOpenTransaction()
        for await event in link.events {
            switch event {
            case .opened(let path):
                linkIsOpen = true
                linkOpenings += 1
                logger.info("register link ready on \(path)")
            case .closed(let reason):
                linkIsOpen = false
                logger.warning("register link lost (\(reason)); transactions continue")
            case .openFailed:
                break
            case .received(let frame):
                handle(frame)
            case .delivered:
                break
            case .failed(_, let reason):
                logger.debug("a frame to the register was not delivered: \(reason)")
            }
        }
        progressTask?.cancel()
        current?.flow?.cancel()
    }

    /// The transactions handled so far (for tests and the operator).
    public var transactions: [TransactionRecord] { log.records }

    // MARK: - Dispatch

    func handle(_ frame: Frame) {
        guard let type = MessageType(rawValue: frame.type), type.isSentByRegister else {
            let name = MessageType(rawValue: frame.type)?.name
            reply(
                ErrorReply(
                    code: .unknownMessage, inReplyTo: frame.type,
                    message: name.map { "\($0) is sent by registerd, not by the register" }
                        ?? "unknown message type 0x\(String(frame.type, radix: 16, uppercase: true))"))
            return
        }
        let message: RegisterMessage
        do {
            message = try RegisterMessage(frame: frame)
        } catch {
            logger.info("refused \(type.name): \(error)")
            reply(ErrorReply(code: .invalidMessage, inReplyTo: frame.type, message: error.description))
            return
        }
        // While the day is closed, nothing may begin that would belong to the period being closed.
        let closesOrBegins: Bool =
            switch message {
            case .sale, .void, .refund, .endOfDay: true
            case .totalsRequest(let request): request.closePeriod
            default: false
            }
        if endOfDay != nil, closesOrBegins {
            reply(Busy(receipt: Self.endOfDayReceipt, message: "Closing the day; try again in a moment"))
            return
        }
        // A close asked of settlementd and not confirmed (it failed, or registerd restarted): nothing
        // may begin until END OF DAY, sent again, confirms it.
        if let closing = log.closingEndOfDay, closesOrBegins, !isEndOfDay(message) {
            reply(
                Busy(
                    receipt: Self.endOfDayReceipt,
                    message: "Batch \(closing.batchID) is not confirmed; send END OF DAY again"))
            return
        }
        switch message {
        case .hello(let hello): handleHello(hello)
        case .sale(let sale): handleSale(sale)
        case .abort(let abort): handleAbort(abort)
        case .relay(let relay): handleRelay(relay)
        case .statusRequest(let request):
            let record = request.receipt.map { log.transaction(withReceipt: $0) } ?? log.newest
            reply(record?.statusReply ?? StatusReply(state: .none))
        case .void(let void): handleVoid(void)
        case .refund(let refund): handleRefund(refund)
        case .totalsRequest(let request): handleTotals(request)
        case .endOfDay(let request): handleEndOfDay(request)
        case .helloReply, .paymentRequest, .progress, .result, .status, .totals, .endOfDayReport, .error,
            .busy:
            break  // refused above by direction
        }
    }

    func isEndOfDay(_ message: RegisterMessage) -> Bool {
        if case .endOfDay = message { true } else { false }
    }

    func reply(_ body: some MessageBody, droppable: Bool = false) {
        link.send(type: type(of: body).messageType.rawValue, payload: body.payload, droppable: droppable)
    }

    // MARK: - Simple requests

    func handleHello(_ hello: Hello) {
        guard hello.protocolVersion == Hello.currentProtocolVersion else {
            reply(
                ErrorReply(
                    code: .unsupportedVersion, inReplyTo: MessageType.hello.rawValue,
                    message:
                        "protocol version \(hello.protocolVersion) is not supported; this registerd speaks version 1"
                ))
            return
        }
        logger.info("register \(hello.deviceID) says hello (\(hello.software ?? "no software named"))")
        reply(
            HelloReply(
                deviceID: configuration.terminalID, software: configuration.software,
                maximumPayload: UInt16(configuration.maximumPayload)))
    }

    func handleTotals(_ request: TotalsRequest) {
        reply(Totals(currencies: log.totals()))
        if request.closePeriod {
            do {
                try log.closePeriod()
                logger.info("totals period closed; period \(log.period) begins")
            } catch {
                logger.error("the totals period could not be closed: \(error)")
            }
        }
    }
}
