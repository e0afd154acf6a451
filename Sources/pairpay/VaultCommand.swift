import ArgumentParser
import Foundation

/// `pairpay vault ...`: cards kept for users.
struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Keep a user's card in the encrypted vault.",
        subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vault a card for a user and print its vault reference.",
            discussion: """
                The card number is read from the first line of standard input unless --pan is given \
                (a number on the command line ends up in shell history and the process list). The vault \
                key file holds 64 hex digits (256 bits); make it with `pairpay keys vault --out FILE` and give \
                the same file to settlementd --vault-key. Prints the vault reference and the last four digits only.
                """)

        @Option(
            name: [.customLong("db"), .customLong("database")],
            help:
                "The settlement database: settlementd's --db SQLite file or its --database postgres://… URL.")
        var db: String

        @Option(
            name: .customLong("vault-key"),
            help: "File with the vault's AES-256 key (64 hex digits, from `pairpay keys vault`).")
        var vaultKey: String

        @Option(help: "The user the card belongs to.")
        var user: String

        @Option(help: "The card number (prefer standard input).")
        var pan: String?

        @Option(help: "Expiry as YYMM.")
        var expiry: String

        func run() async throws {
            let number: String
            if let pan {
                number = pan
            } else {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("no card number: give it on the first line of standard input")
                }
                number = line.trimmingCharacters(in: .whitespaces)
            }
            try await Enrolment.vaultCard(
                db: db, vaultKeyPath: vaultKey, user: user, pan: number, expiry: expiry)
        }
    }
}
