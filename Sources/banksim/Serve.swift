import ArgumentParser
import BankHost
import CoreMetrics
import DaemonSupport
import Foundation
import Logging

/// `banksim serve`: runs the host until interrupted.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer ISO 8583 authorizations, reversals and echo tests on a TCP port.",
        discussion: """
            Every request is decided from the accounts file and recorded in the state file (SQLite, \
            WAL, synchronous=FULL), which survives restarts. A repeated request (same STAN field 11, \
            terminal field 41 and time field 7) gets the first answer again, without a second hold.
            Fault switches apply with the given probability, drawn from --seed, to every account or \
            only to the ones named with --fault-account.
            """)

    @Option(help: "Accounts JSON file ({\"accounts\": [...]}).")
    var accounts: String = "banksim/accounts.sample.json"

    @Option(help: "SQLite file holding holds, answers and the ledger (created if missing).")
    var state: String = "run/banksim.sqlite"

    @Option(help: "Address to listen on. Loopback by default.")
    var host: String = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free one (the chosen port is printed).")
    var port: Int = 8583

    @Option(help: "Fault: delay every answer by this many milliseconds.")
    var latencyMs: Int = 0

    @Option(help: "Fault: probability (0-1) of processing a request but sending no answer.")
    var dropProbability: Double = 0

    @Option(help: "Fault: probability (0-1) of processing a request and then closing the connection.")
    var closeProbability: Double = 0

    @Option(help: "Fault: probability (0-1) of answering with undecodable bytes.")
    var garbleProbability: Double = 0

    @Option(help: "Fault: probability (0-1) of answering 91 issuer unavailable.")
    var unavailableProbability: Double = 0

    @Option(name: .customLong("fault-account"), help: "Limit faults to this account id (repeatable).")
    var faultAccounts: [String] = []

    @Option(help: "Seed for the fault probabilities, so a run can be repeated.")
    var seed: UInt64 = 1

    @Option(help: "Seconds between progress lines while serving (0 = none).")
    var statusInterval: Int = 30

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Option(name: .customLong("log-format"), help: "text (for people) or json (one object per line).")
    var logFormat: LogFormat = .text

    @Option(
        name: .customLong("metrics-listen"),
        help: "HOST:PORT for GET /metrics (Prometheus text, plain HTTP). Off by default.")
    var metricsListen: String?

    func validate() throws {
        for p in [dropProbability, closeProbability, garbleProbability, unavailableProbability]
        where !(0...1).contains(p) {
            throw ValidationError("fault probabilities must be between 0 and 1, got \(p)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative") }
    }

    func run() async throws {
        logFormat.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "banksim")
        let book: AccountBook
        do { book = try AccountBook(contentsOf: accounts) } catch { throw ValidationError(error.description) }
        let directory = URL(fileURLWithPath: state).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ledger = try IssuerLedger(path: state)
        let issuer = Issuer(accounts: book, ledger: ledger, logger: logger)
        let server = try await BankHostServer.start(
            host: host, port: port, issuer: issuer, faults: faultPlan(), logger: logger)
        say(
            "banksim listening on \(server.host):\(server.port) with \(book.accounts.count) accounts; "
                + "state \(state); press Ctrl-C to stop")
        var metricsTask: Task<Void, Never>?
        if let metricsListen {
            let registry = MetricsEndpoint.bootstrap()
            let (port, task) = try await MetricsEndpoint.start(
                listen: metricsListen, registry: registry, logger: logger
            ) {
                // Read from the server and the ledger at each scrape.
                let counters = server.currentCounters
                Gauge(label: "pairpay_bank_connections_accepted").record(counters.connectionsAccepted)
                Gauge(label: "pairpay_bank_requests_received").record(counters.requestsReceived)
                Gauge(label: "pairpay_bank_unreadable_requests").record(counters.unreadableRequests)
                if let holds = try? ledger.activeHolds() {
                    Gauge(label: "pairpay_bank_active_holds").record(holds.count)
                    Gauge(label: "pairpay_bank_active_hold_amount").record(
                        holds.reduce(Int64(0)) { $0 + $1.amount })
                }
            }
            metricsTask = task
            say(
                "banksim metrics on http://\(metricsListen.split(separator: ":").dropLast().joined(separator: ":")):\(port)/metrics"
            )
        }
        defer { metricsTask?.cancel() }
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(statusInterval > 0 ? statusInterval : 3600))
            guard statusInterval > 0 else { continue }
            let counters = server.currentCounters
            let holds = (try? ledger.activeHolds().count) ?? -1
            say(
                "banksim still serving on port \(server.port): \(counters.connectionsAccepted) connections, "
                    + "\(counters.requestsReceived) requests, \(holds) active holds")
        }
        await server.stop()
    }

    func faultPlan() -> FaultPlan {
        let scope = faultAccounts.isEmpty ? nil : Set(faultAccounts)
        var rules: [FaultRule] = []
        if latencyMs > 0 { rules.append(FaultRule(.delay(milliseconds: latencyMs), accountIDs: scope)) }
        let probabilistic: [(FaultAction, Double)] = [
            (.issuerUnavailable, unavailableProbability), (.dropResponse, dropProbability),
            (.closeConnection, closeProbability), (.garbleReply, garbleProbability),
        ]
        for (action, probability) in probabilistic where probability > 0 {
            rules.append(FaultRule(action, probability: probability, accountIDs: scope))
        }
        return FaultPlan(rules: rules, seed: seed)
    }
}
