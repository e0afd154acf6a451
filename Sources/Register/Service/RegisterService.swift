import BlockingWork
import CoreMetrics
import Logging
import PairPayCore
import RegisterLink
import RegisterProtocol

/// registerd's store side: answers the register on the link and runs one transaction at a time
/// against the settlement server (`hw/PROTOCOL.md` §7).
///
/// The rules live in ``TransactionMachine``; this actor only drives it: it feeds the machine the
/// link's frames, the gateway's stages and answers, the journal's write outcomes and its timers,
/// each with the time, and carries out what the machine returns. The register is kept informed
/// while it waits (PROGRESS at least every `progressInterval`), every transaction keeps going
/// across link loss (the register learns the outcome with STATUS REQUEST), and a sale repeated
/// with the same receipt is never charged twice.
public actor RegisterService {
    /// The settings of the service.
    public typealias Configuration = TransactionMachine.Configuration

    /// The RECEIPT of END OF DAY's PROGRESS and of BUSY while the day is being closed.
    public static let endOfDayReceipt = EndOfDay.receipt

    /// The journal's writes are synchronous SQLite commits that wait for fsync: the actor runs on a
    /// dispatch queue of its own, so that they never block Swift's cooperative pool.
    let executor = BlockingWorkExecutor(label: "pairpay.register-service")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let link: SerialLink
    let gateway: any SettlementGateway
    let logger: Logger
    let journal: RegisterJournal?
    var machine: TransactionMachine
    /// The gateway calls under way.
    var calls: [GatewayCall: Task<Void, Never>] = [:]
    /// The timers that run, each with the number it was started under (a replaced timer's late
    /// firing is not fed).
    var timers: [TransactionTimer: (number: UInt64, task: Task<Void, Never>)] = [:]
    var timersStarted: UInt64 = 0
    /// Whether the register's device is open now.
    public private(set) var linkIsOpen = false
    /// How many times the device was opened (1 after start, more after reconnects).
    public private(set) var linkOpenings = 0

    /// - Parameter journal: where transactions are kept durably; without one they live only as long
    ///   as the process (tests and demos).
    /// - Throws: ``RegisterJournalError`` when the journal cannot be read.
    public init(
        link: SerialLink, configuration: Configuration, gateway: any SettlementGateway, logger: Logger,
        journal: RegisterJournal? = nil
    ) throws(RegisterJournalError) {
        var log = TransactionLog(records: [], period: 1, endOfDays: [])
        var openSteps: [String] = []
        if let journal { (log, openSteps) = try journal.machineState() }
        self.machine = TransactionMachine(
            configuration: configuration, settlementConfigured: !(gateway is UnconfiguredSettlementGateway),
            log: log, openSteps: openSteps)
        self.link = link
        self.gateway = gateway
        self.logger = logger
        self.journal = journal
    }

    /// The settlement server's id of a register's refund (see ``TransactionMachine/refundID(terminal:receipt:)``).
    public static func refundID(terminal: String, receipt: String) -> String {
        TransactionMachine.refundID(terminal: terminal, receipt: receipt)
    }

    /// Serves the link until its event stream ends (when the link is stopped: in registerd's
    /// `ServiceGroup`, by ``SerialLinkService`` on graceful shutdown; see
    /// ``RegisterTransactionService``). The service must be the only consumer of the link's
    /// events. The calls under way are cancelled then; the journal keeps an open transaction open
    /// and the next start resumes it.
    public func run() async {
        feed(.started)
        for await event in link.events {
            switch event {
            case .opened(let path):
                linkIsOpen = true
                linkOpenings += 1
                logger.info("register link ready on \(path)")
            case .closed(let reason):
                linkIsOpen = false
                logger.warning("register link lost (\(reason)); transactions continue")
            case .openFailed, .delivered:
                break
            case .received(let frame):
                feed(.received(frame))
            case .failed(_, let reason):
                logger.debug("a frame to the register was not delivered: \(reason)")
            }
        }
        for task in calls.values { task.cancel() }
        for timer in timers.values { timer.task.cancel() }
        calls = [:]
        timers = [:]
    }

    /// The transactions handled so far (for tests and the operator).
    public var transactions: [TransactionRecord] { machine.log.records }

    // MARK: - Driving the machine

    func feed(_ event: TransactionEvent) {
        perform(machine.handle(event, at: .now))
    }

    func perform(_ outputs: [TransactionOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, let droppable):
                link.send(type: message.type.rawValue, payload: message.payload, droppable: droppable)
            case .journal(let write):
                // Its outcome is fed before the next output is carried out.
                feed(.journalWritten(write, carryOut(write)))
            case .call(let call, let request):
                calls[call] = Task { await self.carryOut(request, as: call) }
            case .cancelCall(let call):
                calls.removeValue(forKey: call)?.cancel()
            case .startTimer(let timer, let instant):
                timers[timer]?.task.cancel()
                timersStarted += 1
                let number = timersStarted
                timers[timer] = (
                    number,
                    Task {
                        try? await Task.sleep(until: instant, clock: .continuous)
                        guard !Task.isCancelled else { return }
                        self.fire(timer, number)
                    }
                )
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.task.cancel()
            case .log(let level, let line):
                logger.log(level: level, "\(line)")
            case .ended(let status):
                Counter(label: "pairpay_register_sales_total", dimensions: [("status", status.name)])
                    .increment()
            }
        }
    }

    func fire(_ timer: TransactionTimer, _ number: UInt64) {
        guard timers[timer]?.number == number else { return }
        timers[timer] = nil
        feed(.timerFired(timer))
    }

    /// A stage a call reported, fed unless the call was cancelled since.
    func stage(_ stage: ProgressStage, of call: GatewayCall) {
        guard calls[call] != nil else { return }
        feed(.gatewayStage(call, stage))
    }

    /// A call's answer, fed unless the call was cancelled since.
    func answer(_ answer: Result<GatewayReply, SettlementGatewayError>, of call: GatewayCall) {
        guard calls.removeValue(forKey: call) != nil else { return }
        feed(.gatewayAnswered(call, answer))
    }
}
