import ArgumentParser

/// `banksim`: a card issuer host for testing PairPay's acquirer over real ISO 8583/TCP.
@main
struct BankSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "banksim",
        abstract: "A simulated card issuer (bank host) speaking ISO 8583 over TCP.",
        discussion: """
            Start a host with `banksim serve --accounts accounts.json --state bank.sqlite`, point the \
            acquirer at it, and afterwards export what was held and released with \
            `banksim ledger export --state bank.sqlite --format csv`.
            Messages and response codes are described in docs/ISO8583.md.
            Use TEST card numbers only (see banksim/accounts.sample.json).
            """,
        subcommands: [Serve.self, Ledger.self],
        defaultSubcommand: Serve.self)
}
