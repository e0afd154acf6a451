import Logging
import PairPayCore
import RegisterProtocol

/// registerd's store side without I/O (`hw/PROTOCOL.md` §7): one transaction at a time, its
/// progress, the cashier's abort, relayed results, voids, refunds, totals and END OF DAY.
///
/// Like ``LinkStateMachine`` it never reads a clock, a disk or the network: a driver
/// (``RegisterService``) feeds it every ``TransactionEvent`` with the time, and carries out the
/// ``TransactionOutput``s it returns, in order: frames to the register, journal writes (whose
/// outcome it feeds back before the next output), gateway calls, timers and log lines. Order ids
/// are drawn from the random source it is given.
public struct TransactionMachine: Sendable {
    /// The settings of the machine.
    public struct Configuration: Sendable {
        public var terminalID: String
        public var software: String
        /// PROGRESS is sent at least this often while a transaction is open.
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

    /// The first wait before an abort is asked again; it doubles up to ``longestCancelRetry``.
    static let firstCancelRetry: Duration = .milliseconds(500)
    static let longestCancelRetry: Duration = .seconds(8)

    public let configuration: Configuration
    /// Whether a settlement server is configured (END OF DAY journals a close only then).
    let settlementConfigured: Bool
    let orderIDs: OrderIDGenerator
    var randomness: any RandomNumberGenerator & Sendable

    /// The transactions and periods, as journaled.
    public internal(set) var log: TransactionLog
    /// The journal steps of the transaction the journal kept open, read at start.
    let recoveredSteps: [String]
    var current: OpenTransaction?
    var endOfDay: EndOfDayInFlight?
    var afterInsert: AfterInsert?
    var calls: [GatewayCall: PendingCall] = [:]
    var lastCall: UInt64 = 0
    var outputs: [TransactionOutput] = []
    /// Results the register was sent whose journal write failed: written again on
    /// ``TransactionTimer/journalRetry`` until the journal takes them.
    var unjournaled: [JournalWrite] = []
    var journalRetryDelay: Duration = .seconds(1)
    static let longestJournalRetry: Duration = .seconds(30)

    /// - Parameters:
    ///   - log: the transactions as the journal keeps them (empty for a new journal).
    ///   - openSteps: the journaled step details (`refund-id …`, `abort requested`) of the
    ///     transaction `log` has open, if any.
    ///   - randomness: where order ids are drawn from.
    public init(
        configuration: Configuration, settlementConfigured: Bool,
        log: TransactionLog = TransactionLog(records: [], period: 1, endOfDays: []),
        openSteps: [String] = [],
        randomness: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.configuration = configuration
        self.settlementConfigured = settlementConfigured
        self.orderIDs = OrderIDGenerator(terminalID: configuration.terminalID)
        self.randomness = randomness
        self.log = log
        self.recoveredSteps = openSteps
    }

    /// Whether a transaction is being carried out.
    public var hasOpenTransaction: Bool { current != nil }

    /// Takes one event that happened at `now` and returns what to do, in order.
    public mutating func handle(
        _ event: TransactionEvent, at now: ContinuousClock.Instant
    ) -> [TransactionOutput] {
        switch event {
        case .started: resumeOpenTransaction(at: now)
        case .received(let frame): receive(frame, at: now)
        case .journalWritten(let write, let result): journalWritten(write, result, at: now)
        case .gatewayStage(let call, let stage):
            if let order = calls[call]?.order { setStage(stage, for: order.orderID, at: now) }
        case .gatewayAnswered(let call, let answer): answered(call, answer, at: now)
        case .timerFired(let timer): timerFired(timer, at: now)
        }
        defer { outputs = [] }
        return outputs
    }

    // MARK: - Outputs

    mutating func reply(_ message: RegisterMessage, droppable: Bool = false) {
        outputs.append(.send(message, droppable: droppable))
    }

    mutating func note(_ level: Logger.Level, _ line: String) { outputs.append(.log(level, line)) }

    mutating func write(_ write: JournalWrite) { outputs.append(.journal(write)) }

    /// Starts a gateway call and remembers what it is for.
    @discardableResult
    mutating func call(_ request: GatewayRequest, for pending: PendingCall) -> GatewayCall {
        lastCall += 1
        let call = GatewayCall(lastCall)
        calls[call] = pending
        outputs.append(.call(call, request))
        return call
    }

    mutating func cancel(_ call: GatewayCall?) {
        guard let call, calls.removeValue(forKey: call) != nil else { return }
        outputs.append(.cancelCall(call))
    }

    // MARK: - Dispatch

    mutating func receive(_ frame: Frame, at now: ContinuousClock.Instant) {
        guard let type = MessageType(rawValue: frame.type), type.isSentByRegister else {
            let name = MessageType(rawValue: frame.type)?.name
            reply(
                .error(
                    ErrorReply(
                        code: .unknownMessage, inReplyTo: frame.type,
                        message: name.map { "\($0) is sent by registerd, not by the register" }
                            ?? "unknown message type 0x\(String(frame.type, radix: 16, uppercase: true))")))
            return
        }
        let message: RegisterMessage
        do {
            message = try RegisterMessage(frame: frame)
        } catch {
            note(.info, "refused \(type.name): \(error)")
            reply(
                .error(ErrorReply(code: .invalidMessage, inReplyTo: frame.type, message: error.description)))
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
            reply(.busy(Busy(receipt: EndOfDay.receipt, message: "Closing the day; try again in a moment")))
            return
        }
        // A close asked of settlementd and not confirmed (it failed, or registerd restarted): nothing
        // may begin until END OF DAY, sent again, confirms it.
        if let closing = log.closingEndOfDay, closesOrBegins, !Self.isEndOfDay(message) {
            reply(
                .busy(
                    Busy(
                        receipt: EndOfDay.receipt,
                        message: "Batch \(closing.batchID) is not confirmed; send END OF DAY again")))
            return
        }
        switch message {
        case .hello(let hello): handleHello(hello)
        case .sale(let sale): handleSale(sale, at: now)
        case .abort(let abort): handleAbort(abort, at: now)
        case .relay(let relay): handleRelay(relay)
        case .statusRequest(let request):
            let record = request.receipt.map { log.transaction(withReceipt: $0) } ?? log.newest
            reply(.status(record?.statusReply ?? StatusReply(state: .none)))
        case .void(let void): handleVoid(void)
        case .refund(let refund): handleRefund(refund)
        case .totalsRequest(let request): handleTotals(request)
        case .endOfDay(let request): handleEndOfDay(request)
        case .helloReply, .paymentRequest, .progress, .result, .status, .totals, .endOfDayReport, .error,
            .busy:
            break  // refused above by direction
        }
    }

    static func isEndOfDay(_ message: RegisterMessage) -> Bool {
        if case .endOfDay = message { true } else { false }
    }

    mutating func answered(
        _ call: GatewayCall, _ answer: Result<GatewayReply, SettlementGatewayError>,
        at now: ContinuousClock.Instant
    ) {
        guard let pending = calls.removeValue(forKey: call) else { return }  // cancelled
        switch (pending, answer) {
        case (.register(let order), .success(.invitation(let invitation))):
            registered(order, invitation, at: now)
        case (.register(let order), .failure(let error)):
            registerFailed(order, error, at: now)
        case (.outcome(let order), .failure(let error)):
            settle(order.orderID, with: Self.outcome(for: error), at: now)
        case (.outcome(let order), .success(.outcome(let outcome))):
            settle(order.orderID, with: outcome, at: now)
        case (.cancel(let order), .success(.cancel(let answer))):
            cancelAnswered(order, answer, at: now)
        case (.cancel(let order), .failure(let error)):
            cancelFailed(order, error, at: now)
        case (.verify(let order), .success(.outcome(let outcome))):
            note(.info, "receipt \(order.receipt): relayed result accepted")
            settle(order.orderID, with: outcome, at: now)
        case (.verify(let order), .failure(let error)):
            note(.warning, "receipt \(order.receipt): relayed result refused: \(error)")
            reply(
                .error(
                    ErrorReply(
                        code: .relayRejected, inReplyTo: MessageType.relay.rawValue,
                        message: "Relayed result refused: \(error)", receipt: order.receipt)))
        case (.void(let order), .success(.outcome(let outcome))),
            (.refund(let order), .success(.outcome(let outcome))):
            finish(order.orderID, with: outcome, at: now)
        case (.void(let order), .failure(let error)):
            voidFailed(order, error, at: now)
        case (.refund(let order), .failure(let error)):
            finish(order.orderID, with: Self.outcome(for: error), at: now)
        case (.closeBatch(let record, let closing), .success(.batch(let batch))):
            batchClosed(record, batch, closing: closing)
        case (.closeBatch(let record, let closing), .failure(let error)):
            batchNotClosed(record, error, closing: closing)
        case (_, .success(let reply)):
            note(.critical, "\(call) answered \(reply), which is not an answer to \(pending); ignored")
        }
    }

    mutating func timerFired(_ timer: TransactionTimer, at now: ContinuousClock.Instant) {
        switch timer {
        case .progress:
            guard current != nil else { return }
            sendProgress(at: now)
            outputs.append(.startTimer(.progress, at: now + configuration.progressInterval))
        case .abortRetry:
            guard let open = current, open.cancelRequested else { return }
            call(.cancel(open.order), for: .cancel(open.order))
        case .flowRetry:
            guard let open = current else { return }
            let request: GatewayRequest
            let pending: PendingCall
            if case .void? = log.open?.kind {
                (request, pending) = (.void(open.order), .void(open.order))
            } else {
                (request, pending) = (.register(open.order), .register(open.order))
            }
            let flow = call(request, for: pending)
            current?.flow = flow
        case .journalRetry:
            let writes = unjournaled
            unjournaled = []
            for pending in writes { write(pending) }
        }
    }

    // MARK: - Simple requests

    mutating func handleHello(_ hello: Hello) {
        guard hello.protocolVersion == Hello.currentProtocolVersion else {
            reply(
                .error(
                    ErrorReply(
                        code: .unsupportedVersion, inReplyTo: MessageType.hello.rawValue,
                        message:
                            "protocol version \(hello.protocolVersion) is not supported; this registerd speaks version 1"
                    )))
            return
        }
        note(.info, "register \(hello.deviceID) says hello (\(hello.software ?? "no software named"))")
        reply(
            .helloReply(
                HelloReply(
                    deviceID: configuration.terminalID, software: configuration.software,
                    maximumPayload: UInt16(configuration.maximumPayload))))
    }

    mutating func handleTotals(_ request: TotalsRequest) {
        reply(.totals(Totals(currencies: log.totals())))
        if request.closePeriod { write(.setPeriod(log.period + 1)) }
    }
}
