import ArgumentParser
import BankHost
import Foundation

/// `banksim ledger ...`: reads the state file, also while `serve` is running.
struct Ledger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the bank host's ledger for reconciliation.",
        subcommands: [Export.self, Holds.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every authorization and reversal (card numbers masked) as CSV or JSON.")

        @Option(help: "The state file given to `banksim serve --state`.")
        var state: String = "run/banksim.sqlite"

        @Option(help: "csv or json.")
        var format: LedgerExport.Format = .csv

        @Option(help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            guard FileManager.default.fileExists(atPath: state) else {
                throw ValidationError("no state file at \(state); pass the --state used with `banksim serve`")
            }
            let text = try LedgerExport.render(try IssuerLedger(path: state).entries(), as: format)
            if let output {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct Holds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the holds not yet released.")

        @Option(help: "The state file given to `banksim serve --state`.")
        var state: String = "run/banksim.sqlite"

        func run() async throws {
            guard FileManager.default.fileExists(atPath: state) else {
                throw ValidationError("no state file at \(state); pass the --state used with `banksim serve`")
            }
            let holds = try IssuerLedger(path: state).activeHolds()
            print("hold_id,account_id,masked_pan,amount,currency,terminal,stan,rrn,approval_code")
            for h in holds {
                print(
                    [
                        String(h.id), h.accountID, h.maskedPAN, String(h.amount), h.currency, h.terminal,
                        h.stan, h.rrn,
                        h.approvalCode,
                    ].joined(separator: ","))
            }
        }
    }
}

extension LedgerExport.Format: ExpressibleByArgument {}
