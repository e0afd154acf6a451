import ArgumentParser
import Settlement

extension Keys {
    /// `pairpay keys vault --out FILE`: the card vault's key.
    struct VaultKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vault",
            abstract: "Make the AES-256 key the card vault encrypts with.",
            discussion: """
                The file holds 64 hex digits (mode 0600). Keep it outside the database and its backups; \
                give it to settlementd --vault-key and pairpay vault add --vault-key. Losing it makes every \
                vaulted card unreadable.
                """)

        @Option(help: "File to write (must not exist).")
        var out: String

        func run() async throws {
            do { try Settlement.Vault.createKeyFile(at: out) } catch {
                throw ValidationError("\(error)")
            }
            print("wrote \(out)")
        }
    }
}
