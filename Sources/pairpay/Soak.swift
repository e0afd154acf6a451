import ArgumentParser
import Foundation
import InStoreCluster

/// `pairpay soak`: many sales through the real processes under injected faults, then a mechanical
/// reconciliation of registerd's journal, the settlement history and the bank's ledger.
struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run many sales under kill -9, line damage and bank timeouts; reconcile to the unit.",
        discussion: """
            Starts banksim, settlementd, registerd (on a pty with a simulated register) and runs \
            payagent as the phones, as in `pairpay demo`. While the sales run, at seeded random \
            moments registerd, settlementd and banksim are killed with SIGKILL and restarted on the \
            same files, the serial line gets garbage, corrupted frames, dropped bytes and withheld \
            ACKs, and banksim drops answers or answers after the acquirer's timeout. Phones pay, \
            relay, abort or let orders expire.

            Afterwards every bank hold is matched to its order, the journal to the settlement history, \
            and the approved sums of all three are compared. Exit status 0: nothing violated; 1: a \
            violation (listed) or the run could not be carried out. Files are kept on failure or with --keep.
            """)

    @Option(help: "Sales to run.")
    var sales = 200

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 1

    @Option(help: "Chance per sale and per process of a kill -9 and restart.")
    var killProbability = 0.05

    @Option(help: "Chance per sale of damage on the serial line.")
    var lineFaultProbability = 0.3

    @Option(help: "banksim --drop-probability: requests processed but not answered.")
    var bankDropProbability = 0.03

    @Option(help: "Chance per sale that banksim answers later than the acquirer waits.")
    var bankSlowProbability = 0.02

    @Option(help: "Chance per sale that nobody pays and the order expires.")
    var expireProbability = 0.03

    @Option(help: "Chance per sale that the cashier aborts.")
    var abortProbability = 0.08

    @Option(help: "Chance per approved sale that the cashier refunds part of it right after.")
    var refundProbability = 0.1

    @Option(help: "END OF DAY after every this many sales (0: only once, at the end).")
    var endOfDayEvery = 0

    @Option(name: .customLong("order-ttl"), help: "Order lifetime in seconds.")
    var orderTTL = 15

    @Option(help: "Directory for the run's files (default: a new temporary directory).")
    var workdir: String?

    @Flag(help: "Keep the directory afterwards (always kept on a violation).")
    var keep = false

    @Option(help: "Where settlementd keeps its state: sqlite (files in the run's directory) or postgres.")
    var store: SoakOptions.Store = .sqlite

    @Option(
        help: """
            settlementd instances: 2 (with --store postgres) puts registerd on the first and the \
            phones on the second, and kill -9 strikes either.
            """)
    var instances = 1

    @Option(
        help: """
            The PostgreSQL server for --store postgres (a user that may create databases; the run makes \
            its own database). Default: PAIRPAY_TEST_POSTGRES_URL.
            """)
    var postgres: String?

    func run() async throws {
        var options = SoakOptions()
        options.sales = sales
        options.seed = seed
        options.killProbability = killProbability
        options.lineFaultProbability = lineFaultProbability
        options.bankDropProbability = bankDropProbability
        options.bankSlowProbability = bankSlowProbability
        options.expireProbability = expireProbability
        options.abortProbability = abortProbability
        options.refundProbability = refundProbability
        options.endOfDayEvery = endOfDayEvery
        options.orderTTLSeconds = orderTTL
        options.workdir = workdir
        options.keep = keep
        options.store = store
        options.instances = instances
        options.postgresServer = postgres ?? ProcessInfo.processInfo.environment["PAIRPAY_TEST_POSTGRES_URL"]
        let soak: SoakRun
        do {
            soak = try SoakRun(options: options, say: { DemoScript.write($0) })
        } catch {
            throw ValidationError("\(error)")
        }
        let report: SoakReport
        do {
            report = try await soak.run()
        } catch {
            DemoScript.write("soak FAILED: \(error)")
            throw ExitCode.failure
        }
        DemoScript.write("faults and outcomes:")
        for (name, value) in soak.counters { DemoScript.write("  \(name): \(value)") }
        DemoScript.write(report.text)
        guard report.held else {
            DemoScript.write("soak FAILED: \(report.violations.count) violations")
            throw ExitCode.failure
        }
        DemoScript.write("soak held: \(sales) sales, nothing lost, nothing charged twice")
    }
}

extension SoakOptions.Store: ExpressibleByArgument {}
