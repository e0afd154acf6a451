import Foundation
import GRDB
import PairPayCore
import Reconciliation
import RegisterLinkTestSupport
import RegisterProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A soak run: many sales in a row through the real processes while registerd, settlementd and
/// banksim are killed with `kill -9` and restarted, the serial line is damaged and the bank
/// drops or delays answers; then ``SoakReconciler`` checks the files to the unit.
///
/// Every wait has a deadline. A sale whose outcome the register cannot learn in time is counted
/// and reported; at the end the register learns it from registerd's journal by sending the same
/// SALE again (answered with the journaled RESULT, never charged twice).
public final class SoakRun: @unchecked Sendable {
    /// The processes a soak kills.
    public enum Target: String, CaseIterable, Sendable {
        case registerd, settlementd, banksim
    }

    enum Phase: CaseIterable {
        case beforePay, duringPay, afterPay
    }

    enum Action: String {
        case pay = "pay"
        case relayRegister = "pay+relay(register)"
        case relayNetwork = "pay+relay(network)"
        case abortBefore = "abort, then phone"
        case abortAfter = "pay, then abort"
        case expire = "never paid"
    }

    enum LineFault: String, CaseIterable {
        case garbage, corruptedFrame, droppedByte, withheldAcks
    }

    public let options: SoakOptions
    /// The run's directory (logs, SQLite files, configuration).
    public let directory: String
    let say: @Sendable (String) -> Void
    var random: SplitMix64
    let cluster: InStoreCluster
    var register: SimulatedRegister?
    var configuration = ""
    /// Figures of the run (kills per process, line damage, bank faults, outcomes), in print order.
    public private(set) var counters: [(String, Int)] = []
    var statusOutcomes: [String: [SoakRegisterOutcome]] = [:]
    var known: [String: SoakRegisterOutcome] = [:]
    var sales: [String: Sale] = [:]
    /// The refunds sent, by receipt.
    var refunds: [String: Refund] = [:]
    /// Days closed while the bank's answer was missing: asked about again at the end.
    var incompleteDays: [String] = []
    var withholdAcks: Duration?
    /// The settlementd instance the last `kill -9` of settlementd struck.
    var killedInstance = 0
    /// settlementd's options in a soak: with a shared store, short take-over deadlines and a
    /// frequent retry loop, so what a killed instance left resolves within the run.
    var settlementArguments: [String] {
        options.store == .postgres
            ? ["--authorization-deadline-seconds", "35", "--reversal-retry-seconds", "2"] : []
    }
    let started = ContinuousClock.now

    /// - Parameter say: receives every progress line.
    public init(options: SoakOptions, say: @escaping @Sendable (String) -> Void) throws {
        try options.validate()
        self.options = options
        self.say = say
        random = SplitMix64(seed: options.seed)
        if let workdir = options.workdir {
            directory = workdir
        } else {
            var template = Array("/tmp/pairpay-soak-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                throw SoakError.invalidOption("cannot create a directory in /tmp")
            }
            directory = String(cString: made)
        }
        cluster = try InStoreCluster(directory: directory, executables: ClusterExecutables())
    }

    func count(_ name: String, _ n: Int = 1) {
        if let index = counters.firstIndex(where: { $0.0 == name }) {
            counters[index].1 += n
        } else {
            counters.append((name, n))
        }
    }

    /// The figure named `name` so far (0 when it never happened).
    public func counter(_ name: String) -> Int { counters.first { $0.0 == name }?.1 ?? 0 }

    var elapsed: String {
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        return String(format: "%4.0fs", seconds)
    }

    /// Runs the sales, lets the system settle, stops it and reconciles.
    /// - Returns: the reconciliation; ``SoakReport/held`` is false on any violation.
    public func run() async throws -> SoakReport {
        var report: SoakReport
        do {
            try await setUp()
            for number in 1...options.sales {
                try await sale(number)
                if number % 10 == 0 || number == options.sales {
                    say("[\(elapsed)] after \(number) sales: \(summary)")
                }
                if options.endOfDayEvery > 0, number % options.endOfDayEvery == 0, number < options.sales {
                    _ = try await closeDay()
                }
            }
            try await settle()
            // The last day closes once everything settled: the three counts must agree; a day
            // closed while the bank dropped answers is asked about again, and must agree too.
            var endOfDay = try await closeDay()
            var unsettledDays: [String] = []
            for batchID in incompleteDays {
                guard let again = try await closeDay(asking: batchID) else {
                    unsettledDays.append("\(batchID): no report")
                    continue
                }
                count("end of day asked again: \(again.balance.name)")
                if again.balance != .balanced { unsettledDays.append("\(batchID): \(again.differences)") }
            }
            await cluster.shutdown()
            let snapshot = try await LedgerSnapshot.read(
                ReconciliationSources(
                    journals: [.init(lane: InStoreCluster.terminalID, path: cluster.journalPath)],
                    settlement: cluster.settlementDatabase,
                    acquirer: cluster.postgresDatabase == nil ? directory + "/acquirer.sqlite" : nil,
                    bank: cluster.bankState))
            report = SoakReconciler.reconcile(snapshot, register: registerView())
            if let last = endOfDay, last.balance == .outOfBalance {
                report.violations.append(
                    "the last END OF DAY (batch \(last.batchID)) is \(last.balance.name), not balanced: \(last.differences)"
                )
            } else if endOfDay == nil {
                report.violations.append("the last END OF DAY got no report")
            }
            endOfDay = nil
            report.violations += unsettledDays.map { "END OF DAY batch \($0) asked again is not balanced" }
            // No card number on the store side: journal, registerd's log, the register line.
            let scan = CardNumberScan.findings(
                of: ["4111111111111111", "5555555555554444"],
                inFiles: CardNumberScan.sqliteFiles(cluster.journalPath) + [directory + "/registerd.log"],
                traffic: register?.traffic ?? [])
            report.violations += scan.findings
            report.figures.append(("store-side bytes checked for card numbers", scan.bytesChecked))
        } catch {
            await cluster.shutdown()
            say("files kept in \(directory)")
            throw error
        }
        if report.held && !options.keep {
            try? FileManager.default.removeItem(atPath: directory)
        } else {
            say("files kept in \(directory)")
        }
        return report
    }

    var summary: String {
        let names = [
            "approved", "declined", "cancelled", "expired", "error", "outcome not learnt in time",
            "kill -9 registerd", "kill -9 settlementd", "kill -9 banksim",
        ]
        return names.map { "\($0) \(counter($0))" }.joined(separator: ", ")
    }

    // MARK: - Set-up

    var bankArguments: [String] {
        ["--drop-probability", String(options.bankDropProbability), "--seed", String(options.seed)]
    }

    func setUp() async throws {
        say("[\(elapsed)] preparing the cluster in \(directory) (PKI, keys, enrolment)")
        if options.store == .postgres, let server = options.postgresServer {
            cluster.postgresDatabase = try await SoakLedgers.freshPostgresDatabase(on: server)
            say("[\(elapsed)] settlement state in PostgreSQL, \(options.instances) instance(s)")
        }
        try await cluster.prepare()
        // Limits high enough for a long run: holds are never captured, so they add up.
        let accounts = InStoreCluster.accountsJSON
            .replacingOccurrences(of: "\"limit\": 100000,", with: "\"limit\": 1000000000,")
            .replacingOccurrences(of: "\"limit\": 3000", with: "\"limit\": 1000000000")
        try cluster.write(accounts, to: directory + "/accounts.json", secret: false)
        try await cluster.startBank(extraArguments: bankArguments)
        for instance in 0..<options.instances {
            // Short take-over deadlines, so orders an instance died with resolve within the run.
            try await cluster.startSettlement(instance: instance, extraArguments: settlementArguments)
        }
        cluster.phoneInstance = options.instances - 1
        let register = try SimulatedRegister()
        self.register = register
        configuration = try cluster.writeRegisterdConfiguration(
            devicePath: register.devicePath, resultPaths: ["relay", "push", "query"],
            storeAuthentication: .mac,
            orderTTLSeconds: options.orderTTLSeconds,
            // With two instances the payment link names the second: phones pay there.
            extra: options.instances > 1 ? ["checkout-url": cluster.settlementURL(instance: 1)] : [:])
        try await cluster.startRegisterd(configuration: configuration)
        try await register.hello()
        say(
            "[\(elapsed)] running \(options.sales) sales, seed \(options.seed), kill probability \(options.killProbability) per process and sale"
        )
    }

    // MARK: - Faults

    /// Kills `target` with SIGKILL and starts it again on the same files and port.
    func crash(_ target: Target, slowBank: Bool = false) async throws {
        switch target {
        case .registerd: cluster.crashRegisterd()
        case .settlementd:
            killedInstance = Int.random(in: 0..<options.instances, using: &random)
            cluster.settlements[killedInstance]?.kill9()
        case .banksim: cluster.bank?.kill9()
        }
        count("kill -9 \(target.rawValue)")
        var attempt = 0
        while true {
            attempt += 1
            do {
                switch target {
                case .registerd:
                    try await cluster.startRegisterd(configuration: configuration)
                case .settlementd:
                    try await cluster.startSettlement(
                        instance: killedInstance, port: cluster.settlementPorts[killedInstance],
                        extraArguments: settlementArguments)
                case .banksim:
                    try await cluster.startBank(
                        port: cluster.bankPort,
                        extraArguments: bankArguments + (slowBank ? ["--latency-ms", "16000"] : []))
                }
                break
            } catch {
                guard attempt < 20 else { throw error }
                count("restart retried")
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        if target == .registerd { await askStatus() }
    }

    /// STATUS REQUEST; the reply is read by whoever reads the line next.
    func askStatus() async {
        guard let register else { return }
        do {
            try await register.send(.statusRequest(StatusRequest()))
            count("STATUS asked")
        } catch {
            count("STATUS not acknowledged")
        }
    }

    /// Damages the line before the next frame the register sends (`message`), or arranges for
    /// ACKs to be withheld while the register waits.
    func damageLine(before message: RegisterMessage) -> String? {
        guard let register, random.chance(options.lineFaultProbability) else { return nil }
        let fault = LineFault.allCases.randomElement(using: &random)!
        switch fault {
        case .garbage:
            let bytes = (0..<Int.random(in: 1...24, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            register.line.sendRaw(bytes)
            count("garbage bytes", bytes.count)
        case .corruptedFrame:
            var bytes = FrameEncoder.encode(register.line.frame(message))
            let index = Int.random(in: 1..<bytes.count, using: &random)
            bytes[index] ^= UInt8.random(in: 1...255, using: &random)
            register.line.sendRaw(bytes)
            count("corrupted frames")
        case .droppedByte:
            var bytes = FrameEncoder.encode(register.line.frame(message))
            bytes.remove(at: Int.random(in: 1..<bytes.count, using: &random))
            register.line.sendRaw(bytes)
            count("frames with a dropped byte")
        case .withheldAcks:
            withholdAcks = .milliseconds(Int.random(in: 300...2500, using: &random))
            count("ACK-withholding windows")
        }
        return fault.rawValue
    }

    // MARK: - One sale

    func sale(_ number: Int) async throws {
        guard register != nil else { return }
        let receipt = String(format: "S%05d", number)
        let price = Int64.random(in: 100...2900, using: &random)
        let sale = Sale(
            receipt: receipt, currencyCode: "JPY", total: price + price / 10,
            lineItems: [
                SaleLineItem(
                    code: "4901234567894", name: "Item \(number)", unitPrice: price, quantity: 1,
                    tax: price / 10)
            ])
        sales[receipt] = sale
        let user = ["alice", "bob", "carol", "dave"].randomElement(using: &random)!
        let action = pickAction()
        var kills: [(Target, Phase)] = []
        for target in Target.allCases where random.chance(options.killProbability) {
            kills.append((target, Phase.allCases.randomElement(using: &random)!))
        }
        let slowBank = random.chance(options.bankSlowProbability)
        var notes: [String] = []
        let saleStart = ContinuousClock.now
        if let fault = damageLine(before: .sale(sale)) { notes.append("line: \(fault)") }
        guard let request = try await ringUp(sale) else {
            finish(receipt, action: action, user: user, notes: notes, since: saleStart)
            return
        }
        for (target, phase) in kills where phase == .beforePay {
            try await crash(target)
            notes.append("kill \(target.rawValue) before pay")
        }
        let during = kills.filter { $0.1 == .duringPay }.map(\.0)
        if slowBank, action != .expire {
            // Answers later than the acquirer waits, while this phone pays; normal again after.
            try await crash(.banksim, slowBank: true)
            count("bank slower than the acquirer's timeout")
            notes.append("bank slow while the phone paid")
        }
        switch action {
        case .pay, .relayRegister, .relayNetwork:
            try await pay(receipt, user: user, payload: request.phonePayload, action: action, kills: during)
        case .abortBefore:
            try await send(.abort(Abort(receipt: receipt)))
            try await pay(receipt, user: user, payload: request.phonePayload, action: action, kills: during)
        case .abortAfter:
            try await pay(receipt, user: user, payload: request.phonePayload, action: action, kills: during)
            try await send(.abort(Abort(receipt: receipt)))
        case .expire:
            for target in during { try await crash(target) }
        }
        notes += during.map { "kill \($0.rawValue) during pay" }
        if slowBank, action != .expire { try await crash(.banksim) }
        for (target, phase) in kills where phase == .afterPay {
            try await crash(target)
            notes.append("kill \(target.rawValue) after pay")
        }
        _ = try await awaitOutcome(receipt, within: .seconds(options.orderTTLSeconds + 60))
        finish(receipt, action: action, user: user, notes: notes, since: saleStart)
        if known[receipt]?.status == "approved", random.chance(options.refundProbability) {
            try await refund(number, of: request.orderID, total: sale.total)
        }
    }

    /// REFUND of part of an approved sale, with a `kill -9` now and then while it runs.
    func refund(_ number: Int, of orderID: String, total: Int64) async throws {
        let receipt = String(format: "F%05d", number)
        let amount = Int64.random(in: 1...total, using: &random)
        let refund = Refund(receipt: receipt, orderID: orderID, currencyCode: "JPY", total: amount)
        var notes: [String] = []
        let start = ContinuousClock.now
        try await send(.refund(refund))
        for target in Target.allCases where random.chance(options.killProbability) {
            try await crash(target)
            notes.append("kill \(target.rawValue) during refund")
        }
        refunds[receipt] = refund
        var outcome = try await awaitOutcome(receipt, within: .seconds(40))
        for _ in 0..<3 where outcome == nil || outcome?.status == "error" {
            // Not learnt (the REFUND may have died with registerd before it was journaled), or
            // RESULT error (it may still complete): the same REFUND again, never refunded twice.
            known[receipt] = nil
            count("refund sent again")
            try await send(.refund(refund))
            outcome = try await awaitOutcome(receipt, within: .seconds(40))
        }
        count(outcome.map { "refund \($0.status)" } ?? "refund not learnt in time")
        let seconds = Double((ContinuousClock.now - start).components.seconds)
        say(
            "[\(elapsed)] \(receipt) refund ¥\(amount) of \(orderID) → \(outcome.map { "\($0.status) by \($0.via)" } ?? "NOT LEARNT IN TIME")"
                + String(format: " (%.0f s)", seconds)
                + (notes.isEmpty ? "" : "; " + notes.joined(separator: ", ")))
    }

    /// END OF DAY (with `batchID`: asking about that earlier close again), sent again while
    /// registerd is BUSY or the close is not confirmed; the report.
    func closeDay(asking batchID: String? = nil) async throws -> EndOfDayReport? {
        guard let register else { return nil }
        for attempt in 1...20 {
            do { try await register.send(.endOfDay(EndOfDay(batchID: batchID))) } catch {
                count("frames not acknowledged")
                try await Task.sleep(for: .seconds(1))
                continue
            }
            let deadline = ContinuousClock.now + .seconds(90)
            var answer: RegisterMessage?
            while ContinuousClock.now < deadline, answer == nil {
                guard let message = try await next(within: .seconds(1)) else { continue }
                switch message {
                case .endOfDayReport, .busy: answer = message
                case .error(let error) where error.inReplyTo == MessageType.endOfDay.rawValue:
                    answer = message
                default: continue
                }
            }
            switch answer {
            case .endOfDayReport(let report) where report.periodClosed:
                if batchID == nil { count("end of day \(report.balance.name)") }
                if batchID == nil, report.balance == .incomplete { incompleteDays.append(report.batchID) }
                for (index, line) in report.lines.enumerated() {
                    say(index == 0 ? "[\(elapsed)] " + line : line)
                }
                return report
            case .endOfDayReport(let report):
                count("end of day not confirmed, sent again")
                say(
                    "[\(elapsed)] END OF DAY not confirmed (attempt \(attempt)): \(report.differences.first ?? "")"
                )
            case .busy(let busy) where busy.receipt != EndOfDay.receipt:
                count("end of day BUSY")
                _ = try await awaitOutcome(busy.receipt, within: .seconds(options.orderTTLSeconds + 60))
            default:
                count("end of day sent again")
            }
            try await Task.sleep(for: .seconds(2))
        }
        return nil
    }

    func pickAction() -> Action {
        let roll = Double.random(in: 0..<1, using: &random)
        if roll < options.expireProbability { return .expire }
        if roll < options.expireProbability + options.abortProbability / 2 { return .abortBefore }
        if roll < options.expireProbability + options.abortProbability { return .abortAfter }
        return [.pay, .pay, .relayRegister, .relayNetwork].randomElement(using: &random)!
    }

    func finish(
        _ receipt: String, action: Action, user: String, notes: [String], since: ContinuousClock.Instant
    ) {
        let outcome = known[receipt]
        if let outcome {
            count(outcome.status)
        } else {
            count("outcome not learnt in time")
        }
        let total = sales[receipt]?.total ?? 0
        let seconds = Double((ContinuousClock.now - since).components.seconds)
        say(
            "[\(elapsed)] \(receipt) ¥\(total) \(user) \(action.rawValue) → "
                + (outcome.map { "\($0.status) by \($0.via)" } ?? "NOT LEARNT IN TIME")
                + String(format: " (%.0f s)", seconds)
                + (notes.isEmpty ? "" : "; " + notes.joined(separator: ", ")))
    }

    /// Sends a frame the register originates, possibly damaging the line first; a frame registerd
    /// does not acknowledge (it is restarting) is counted, not fatal.
    func send(_ message: RegisterMessage) async throws {
        guard let register else { return }
        _ = damageLine(before: message)
        do {
            try await register.send(message)
        } catch {
            count("frames not acknowledged")
        }
    }

    /// SALE → PAYMENT REQUEST. Nil when the sale ended without one (a RESULT at once, or refused).
    func ringUp(_ sale: Sale) async throws -> PaymentRequest? {
        guard let register else { return nil }
        let deadline = ContinuousClock.now + .seconds(options.orderTTLSeconds + 60)
        while ContinuousClock.now < deadline {
            do {
                try await register.send(.sale(sale))
            } catch {
                count("frames not acknowledged")
                try await Task.sleep(for: .seconds(1))
                continue
            }
            let replyDeadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < replyDeadline {
                guard let message = try await next(within: .seconds(1)) else { continue }
                switch message {
                case .paymentRequest(let request) where request.receipt == sale.receipt: return request
                case .paymentRequest(let request):
                    count("PAYMENT REQUEST for an earlier sale, skipped")
                    say(
                        "[\(elapsed)] \(sale.receipt): skipping a late PAYMENT REQUEST for \(request.receipt)"
                    )
                    continue
                case .result(let result) where result.receipt == sale.receipt: return nil
                case .busy(let busy):
                    count("BUSY")
                    say("[\(elapsed)] \(sale.receipt): BUSY with \(busy.receipt); waiting for its outcome")
                    _ = try await awaitOutcome(busy.receipt, within: .seconds(options.orderTTLSeconds + 60))
                    try await Task.sleep(for: .milliseconds(200))
                case .error(let error)
                where error.code != .invalidSale && error.code != .duplicateReceipt
                    && error.code != .invalidMessage:
                    // The late answer to an earlier ABORT or RELAY, not to this SALE.
                    count("ERROR for an earlier request")
                    continue
                case .error(let error):
                    count("SALE refused with ERROR")
                    say("[\(elapsed)] \(sale.receipt): ERROR \(error.code.name) \(error.message ?? "")")
                    return nil
                default: continue
                }
                break
            }
        }
        return nil
    }

    /// The phone pays; `kills` strike while payagent runs. A phone that ends in an error (the
    /// server was down) tries once more, as a customer would.
    func pay(_ receipt: String, user: String, payload: String, action: Action, kills: [Target]) async throws {
        let relayFile = directory + "/relay-\(receipt).txt"
        let extra: [String] =
            switch action {
            case .relayRegister: ["--relay-out", relayFile]
            case .relayNetwork: ["--relay"]
            default: []
            }
        var status = try await runPayagent(user: user, payload: payload, extra: extra, kills: kills)
        if status == 1 {
            count("phone retried after an error")
            status = try await runPayagent(user: user, payload: payload, extra: extra, kills: [])
        }
        count("payagent exit \(status)")
        if action == .relayRegister, status == 0,
            let text = try? String(contentsOfFile: relayFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        {
            try await send(.relay(Relay(receipt: receipt, relayData: text)))
        }
    }

    func runPayagent(user: String, payload: String, extra: [String], kills: [Target]) async throws -> Int32 {
        let cluster = cluster
        let exit = SoakPhoneExit()
        Task {
            let status =
                (try? await cluster.pay(
                    as: user, payload: payload, extraArguments: extra, timeout: .seconds(90)))?
                .status ?? 1
            exit.set(status)
        }
        for target in kills {
            try await pumpFor(.milliseconds(Int.random(in: 0...1500, using: &random)))
            try await crash(target)
        }
        // Keep reading the line while the phone pays, as a register does. payagent's run ends
        // within its own 90 s deadline, so this loop does too.
        while true {
            if let status = exit.value { return status }
            try await pumpFor(.milliseconds(20))
        }
    }

    func pumpFor(_ duration: Duration) async throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            await register?.line.pump()
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
