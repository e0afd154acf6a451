import Foundation
import Register
import RegisterProtocol

/// A ``TransactionMachine`` in a world the property tests control: a cashier at the register, a
/// customer's phone, a model settlement server (``ModelSettlementServer``) and a real journal (a
/// SQLite file). A script of choice bytes decides what happens next among what can happen: a
/// sale, an abort, a relayed result, a void, the customer paying, a gateway call answered (or
/// its answer lost, or the server not reached), a timer, a journal write that fails, a restart
/// (the machine rebuilt from the journal). When the script runs out the world settles down:
/// every call is answered truthfully and every due timer fires, as a working network would.
///
/// Everything the register was sent is kept in ``sent`` (with the lifetime of the machine that
/// sent it), so that the invariants can be checked afterwards.
struct ModelWorld {
    /// One frame the machine sent to the register.
    struct Sent {
        var message: RegisterMessage
        /// How many restarts came before it.
        var lifetime: Int
    }

    /// A sale the cashier rang up.
    struct RungUp {
        var sale: Sale
    }

    let journalPath: String
    var journal: RegisterJournal
    var machine: TransactionMachine
    var server = ModelSettlementServer()
    var now = ContinuousClock.now
    var pending: [(call: GatewayCall, request: GatewayRequest)] = []
    var timers: [TransactionTimer: ContinuousClock.Instant] = [:]
    var sent: [Sent] = []
    var lifetime = 0
    /// The next journal write fails (nothing is written).
    var failNextWrite = false
    var sales: [Sale] = []
    /// The order ids the register was shown a PAYMENT REQUEST for: the customer can pay those.
    var shown: [String] = []
    /// The voids sent, with their receipts.
    var voids: [VoidRequest] = []
    /// The ABORTs the register sent, each with the number of frames registerd had sent before it.
    var abortsSentBefore: [(index: Int, receipt: String)] = []
    /// The trace of what happened, for the failure message.
    var trace: [String] = []
    private var script: [UInt8]
    private var randomness: SplitMix64

    static let configuration = TransactionMachine.Configuration(
        terminalID: "PP-TERM-9", software: "model", progressInterval: .seconds(1))

    init(script: [UInt8], seed: UInt64, directory: URL) throws {
        self.script = script
        randomness = SplitMix64(seed: seed)
        journalPath = directory.appendingPathComponent("journal-\(seed).sqlite").path
        journal = try RegisterJournal(path: journalPath)
        machine = TransactionMachine(
            configuration: Self.configuration, settlementConfigured: true, randomness: randomness)
        feed(.started)
    }

    // MARK: - Running

    /// Plays the script, then lets the world settle. Returns false when it could not settle.
    mutating func run() throws -> Bool {
        while !script.isEmpty {
            try step()
        }
        return try settle()
    }

    /// What can happen next.
    enum Action {
        case sale, resendSale, abort, relay, void, pay, expire, answer, loseAnswer, timer, failWrite
        case restart
    }

    mutating func step() throws {
        var actions: [Action] = [.failWrite]
        if sales.count < 3 { actions.append(.sale) }
        if !sales.isEmpty { actions += [.resendSale, .abort, .abort, .relay] }
        if approvedSale() != nil, voids.count < 2 { actions.append(.void) }
        if payable() != nil { actions += [.pay, .pay, .expire] }
        if !pending.isEmpty { actions += [.answer, .answer, .answer, .loseAnswer] }
        if !timers.isEmpty { actions += [.timer, .timer] }
        if !sent.isEmpty, restarts < 3 { actions.append(.restart) }
        let action = actions[Int(next()) % actions.count]
        now += .milliseconds(Int(next()) * 10)
        switch action {
        case .sale:
            let sale = Self.sale(number: sales.count + 1, items: Int(next()) % 3 + 1)
            sales.append(sale)
            receive(.sale(sale))
        case .resendSale:
            receive(.sale(sales[Int(next()) % sales.count]))
        case .abort:
            receive(
                .abort(Abort(receipt: sales[sales.count - 1 - Int(next()) % min(2, sales.count)].receipt)))
        case .relay:
            relay()
        case .void:
            guard let (receipt, orderID) = approvedSale() else { return }
            let void = VoidRequest(receipt: "V-\(voids.count + 1)-\(receipt)", orderID: orderID)
            voids.append(void)
            receive(.void(void))
        case .pay:
            guard let orderID = payable() else { return }
            let approve = next() % 4 != 0
            trace.append("customer pays \(orderID): \(approve ? "approved" : "declined")")
            server.pay(orderID, approve: approve)
        case .expire:
            guard let orderID = payable() else { return }
            trace.append("server expires \(orderID)")
            server.expire(orderID)
        case .answer:
            answer(Int(next()) % pending.count, truthfully: true)
        case .loseAnswer:
            answer(Int(next()) % pending.count, truthfully: false)
        case .timer:
            let due = timers.sorted { $0.value < $1.value }
            fire(due[Int(next()) % due.count].key)
        case .failWrite:
            trace.append("the next journal write fails")
            failNextWrite = true
        case .restart:
            try restart()
        }
    }

    /// No more faults: answers every call truthfully and fires the timers that matter until
    /// no transaction is open. The customer who has not paid walks away (the order expires).
    mutating func settle() throws -> Bool {
        failNextWrite = false
        trace.append("— settling —")
        for _ in 0..<400 {
            if !pending.isEmpty {
                let (_, request) = pending[0]
                if case .outcome(let order, _) = request, server.outcome(of: order.orderID) == nil {
                    trace.append("server expires \(order.orderID) (its time is up)")
                    server.register(order.orderID)
                    server.expire(order.orderID)
                }
                answer(0, truthfully: true)
                continue
            }
            // Retries (abort, first request, void, journal) are due in time; PROGRESS alone
            // is not progress.
            if let retry = timers.filter({ $0.key != .progress }).min(by: { $0.value < $1.value }) {
                fire(retry.key)
                continue
            }
            if machine.hasOpenTransaction {
                if timers[.progress] != nil {
                    fire(.progress)
                    continue
                }
                return false
            }
            return true
        }
        return false
    }

    // MARK: - The register

    static func sale(number: Int, items: Int) -> Sale {
        let lines = (1...items).map { item in
            SaleLineItem(
                code: "49012345678\(item)", name: "Item \(item)", unitPrice: Int64(100 * item), quantity: 1,
                tax: Int64(10 * item))
        }
        return Sale(
            receipt: "R-\(number)", currencyCode: "JPY",
            total: lines.reduce(0) { $0 + $1.unitPrice + $1.tax },
            lineItems: lines)
    }

    mutating func receive(_ message: RegisterMessage) {
        trace.append("register sends \(Self.describe(message))")
        if case .abort(let abort) = message { abortsSentBefore.append((sent.count, abort.receipt)) }
        feed(.received(Frame(sequence: 0, type: message.type.rawValue, payload: message.payload)))
    }

    /// The register relays what the customer's phone shows: a result the server signed for the
    /// order (perhaps one it has since reversed), or something that is not one.
    mutating func relay() {
        let receipt = sales[sales.count - 1].receipt
        let orders = shownOrders(of: receipt)
        let signed = orders.flatMap { orderID in
            (server.signed[orderID] ?? []).indices.map { "signed:\(orderID):\($0)" }
        }
        let choices = signed + ["not a result"]
        receive(.relay(Relay(receipt: receipt, relayData: choices[Int(next()) % choices.count])))
    }

    func shownOrders(of receipt: String) -> [String] {
        sent.compactMap { sent in
            if case .paymentRequest(let request) = sent.message, request.receipt == receipt {
                return request.orderID
            }
            return nil
        }
    }

    /// An order the register was shown the payment request of, still open at the server.
    func payable() -> String? {
        shown.last { server.state(of: $0) == .open }
    }

    /// The newest sale whose RESULT the register got `approved`: receipt and order id.
    func approvedSale() -> (String, String)? {
        for sent in sent.reversed() {
            if case .result(let result) = sent.message, result.status == .approved,
                result.receipt.hasPrefix("R-"), let orderID = result.orderID
            {
                return (result.receipt, orderID)
            }
        }
        return nil
    }

    var restarts: Int { lifetime }

    // MARK: - The settlement server and the network

    /// Answers a pending call: truthfully, or (`truthfully` false) with a failure the network
    /// could cause — a request that did not arrive (`unreachable`), or one that arrived and was
    /// acted on but whose answer was lost (`noAnswer`).
    mutating func answer(_ index: Int, truthfully: Bool) {
        let (call, request) = pending.remove(at: index)
        let answer: Result<GatewayReply, SettlementGatewayError>
        let arrived = truthfully || next() % 2 == 0
        switch request {
        case .register(let order):
            if arrived { server.register(order.orderID) }
            answer =
                truthfully
                ? .success(
                    .invitation(
                        PaymentInvitation(phonePayload: "pay:\(order.orderID)", expiresIn: .seconds(120))))
                : .failure(arrived ? .noAnswer("lost") : .unreachable("down"))
        case .outcome(let order, _):
            // The gateway asks until the server has a final result; it does not give up.
            guard let outcome = server.outcome(of: order.orderID) else {
                pending.insert((call, request), at: index)
                return
            }
            answer = .success(.outcome(outcome))
        case .cancel(let order):
            var reply: CancelOutcome?
            if arrived {
                reply = server.cancel(order.orderID, settled: next() % 5 == 0)
            }
            answer =
                truthfully
                ? .success(.cancel(reply ?? .cancelled))
                : .failure(arrived ? .noAnswer("lost") : .unreachable("down"))
        case .verifyRelay(let data, let order):
            answer = verify(data, for: order)
        case .void(let order):
            var outcome: SettlementOutcome?
            if arrived { outcome = server.void(order.orderID) }
            answer =
                truthfully
                ? .success(.outcome(outcome ?? ModelSettlementServer.voided))
                : .failure(arrived ? .noAnswer("lost") : .unreachable("down"))
        case .refund, .closeBatch:
            answer = .failure(.refused("not modelled"))
        }
        trace.append("\(call) \(Self.describe(request)) → \(answer)")
        feed(.gatewayAnswered(call, answer))
    }

    func verify(_ data: String, for order: StoreOrder) -> Result<GatewayReply, SettlementGatewayError> {
        let parts = data.split(separator: ":")
        guard parts.count == 3, parts[0] == "signed", String(parts[1]) == order.orderID,
            let index = Int(parts[2]), let signed = server.signed[order.orderID],
            signed.indices.contains(index)
        else { return .failure(.relayRejected("not a result of order \(order.orderID)")) }
        let outcome = signed[index]
        return .success(
            .outcome(
                SettlementOutcome(
                    status: outcome.status, reason: outcome.reason, approvalCode: outcome.approvalCode,
                    cardLast4: outcome.cardLast4, message: outcome.message, source: .relay)))
    }

    mutating func fire(_ timer: TransactionTimer) {
        guard let due = timers.removeValue(forKey: timer) else { return }
        now = max(now, due)
        feed(.timerFired(timer))
    }

    /// registerd stops (kill -9, power cut) and starts again on the same journal: calls under
    /// way are gone (the server may have acted on them), timers too.
    mutating func restart() throws {
        for (_, request) in pending where next() % 2 == 0 {
            // The request reached the server before registerd died.
            switch request {
            case .register(let order): server.register(order.orderID)
            case .cancel(let order): _ = server.cancel(order.orderID, settled: false)
            case .void(let order): _ = server.void(order.orderID)
            default: break
            }
        }
        pending = []
        timers = [:]
        lifetime += 1
        trace.append("— restart \(lifetime) —")
        journal = try RegisterJournal(path: journalPath)
        let (log, openSteps) = try journal.machineState()
        machine = TransactionMachine(
            configuration: Self.configuration, settlementConfigured: true, log: log, openSteps: openSteps,
            randomness: SplitMix64(seed: UInt64(lifetime) &* 0x9E37_79B9))
        feed(.started)
    }

    // MARK: - Driving the machine

    /// Feeds one event and carries out the outputs as ``RegisterService`` does: a journal write's
    /// outcome is fed back before the next output.
    mutating func feed(_ event: TransactionEvent) {
        perform(machine.handle(event, at: now))
    }

    mutating func perform(_ outputs: [TransactionOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, _):
                sent.append(Sent(message: message, lifetime: lifetime))
                if case .paymentRequest(let request) = message { shown.append(request.orderID) }
                if case .progress = message {
                } else {
                    trace.append("registerd sends \(Self.describe(message))")
                }
            case .journal(let write):
                let result: Result<Int64?, RegisterJournalError>
                if failNextWrite {
                    failNextWrite = false
                    result = .failure(.failed("disk full (model)"))
                    trace.append("journal write fails: \(write)")
                } else {
                    result = journal.carryOut(write)
                }
                feed(.journalWritten(write, result))
            case .call(let call, let request):
                pending.append((call, request))
            case .cancelCall(let call):
                pending.removeAll { $0.call == call }
            case .startTimer(let timer, let instant):
                timers[timer] = instant
            case .cancelTimer(let timer):
                timers[timer] = nil
            case .log, .ended:
                break
            }
        }
    }

    mutating func next() -> UInt8 {
        guard !script.isEmpty else { return UInt8(truncatingIfNeeded: randomness.next()) }
        return script.removeFirst()
    }

    // MARK: - Describing

    static func describe(_ message: RegisterMessage) -> String {
        switch message {
        case .sale(let sale): "SALE \(sale.receipt) \(sale.total)"
        case .abort(let abort): "ABORT \(abort.receipt)"
        case .relay(let relay): "RELAY \(relay.receipt) \(relay.relayData)"
        case .void(let void): "VOID \(void.receipt) of \(void.orderID)"
        case .paymentRequest(let request): "PAYMENT REQUEST \(request.receipt) order \(request.orderID)"
        case .progress(let progress): "PROGRESS \(progress.receipt) \(progress.stage)"
        case .result(let result):
            "RESULT \(result.receipt) \(result.status.name) (\(result.reason)) order \(result.orderID ?? "-")"
        case .error(let error): "ERROR \(error.code) \(error.receipt ?? "-"): \(error.message ?? "")"
        case .busy(let busy): "BUSY \(busy.receipt)"
        default: "\(message.type)"
        }
    }

    static func describe(_ request: GatewayRequest) -> String {
        switch request {
        case .register(let order): "register \(order.orderID)"
        case .outcome(let order, _): "outcome \(order.orderID)"
        case .cancel(let order): "cancel \(order.orderID)"
        case .verifyRelay(let data, let order): "verify \(data) for \(order.orderID)"
        case .void(let order): "void \(order.orderID)"
        case .refund(let order, _, _, _): "refund \(order.orderID)"
        case .closeBatch(_, let batchID, _): "close \(batchID)"
        }
    }
}

/// A small seeded generator (SplitMix64), so that a failing script can be played again exactly.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
