import ArgumentParser
import Foundation
import Reconciliation

/// `pairpay reconcile`: the three-way reconciliation of a store over its production records.
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Reconcile every lane's registerd journal, the settlement database and the bank's ledger, to the unit.",
        discussion: """
            For every order, the money each party says the store keeps must be the same: registerd's \
            journal (an approved sale less its refunds; nothing once voided), settlementd (its approved \
            result less its approved refunds), the bank (a hold still active, or what it captured less \
            what it refunded; nothing once released). The report adds it up per day (UTC), lane and \
            currency and names every order on which the parties differ. Reads everything read-only: it \
            may run while the services run (transactions still in flight are listed as pending).

            Exit status: 0 the parties agree, 1 a difference was found, 3 nothing differs but some \
            transactions are still in flight (run again when they ended).
            """)

    @Option(
        name: .customLong("journal"),
        help: ArgumentHelp(
            "A lane's registerd journal as LANE=PATH (LANE: its --terminal-id); repeat for every lane.",
            valueName: "lane=path"))
    var journals: [String] = []

    @Option(
        name: [.customLong("db"), .customLong("database")],
        help:
            "settlementd's --db SQLite file, or its --database postgres://… URL (password from PAIRPAY_DATABASE_PASSWORD)."
    )
    var settlement: String

    @Option(
        name: .customLong("acquirer-state"),
        help: "settlementd's --acquirer-state file (not needed with a PostgreSQL database).")
    var acquirerState: String?

    @Option(
        name: .customLong("bank-ledger"),
        help:
            "The bank's ledger: `banksim ledger export --format json` output (a .json file), or banksim's --state file."
    )
    var bankLedger: String

    @Option(help: "Only this merchant's orders.")
    var merchant: String?

    @Option(help: "Only sales of this day, YYYY-MM-DD (UTC).")
    var day: String?

    @Option(help: "text, csv or json.")
    var format: ReconciliationReport.Format = .text

    func validate() throws {
        for journal in journals {
            let parts = journal.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError(
                    "--journal must be LANE=PATH (for example PP-TERM-1=/var/lib/pairpay/journal.sqlite), not '\(journal)'"
                )
            }
        }
        if let day, day.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
            throw ValidationError("--day must be YYYY-MM-DD, not '\(day)'")
        }
    }

    func run() async throws {
        let sources = ReconciliationSources(
            journals: journals.map {
                let parts = $0.split(separator: "=", maxSplits: 1).map(String.init)
                return ReconciliationSources.Journal(lane: parts[0], path: parts[1])
            },
            settlement: settlement, acquirer: acquirerState, bank: bankLedger, merchantID: merchant)
        let snapshot: LedgerSnapshot
        do { snapshot = try await LedgerSnapshot.read(sources) } catch let error as ReconciliationError {
            throw ValidationError(error.description)
        }
        let report = ThreeWayReconciler.reconcile(snapshot, day: day)
        print(try report.rendered(as: format), terminator: "")
        if !report.agrees { throw ExitCode(1) }
        if !report.pending.isEmpty { throw ExitCode(3) }
    }
}

extension ReconciliationReport.Format: ExpressibleByArgument {}
