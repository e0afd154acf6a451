import ArgumentParser
import Crypto
import Foundation
import PairPayCore

/// `pairpay keys ...`: the server's own keys.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the server's keys; list, rotate, expire and retire request-MAC keys.",
        subcommands: [ServerSigning.self, VaultKey.self, MAC.self])

    struct ServerSigning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "server-signing",
            abstract: "Make the Ed25519 key settlementd signs results with.",
            discussion: """
                The file holds the 32-byte private key as 64 hex digits on one line (mode 0600); give it \
                to settlementd --signing-key. The public key and key id are printed: hand them to \
                stores and phones so they can verify results.
                """)

        @Option(help: "File to write (must not exist).")
        var out: String

        func run() async throws {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("\(out) already exists; nothing was overwritten")
            }
            let key = Curve25519.Signing.PrivateKey()
            let created = FileManager.default.createFile(
                atPath: out, contents: Data((Hex.encode(key.rawRepresentation) + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
            guard created else { throw ValidationError("cannot write \(out)") }
            print("wrote \(out)")
            print("public key \(Hex.encode(key.publicKey.rawRepresentation))")
            print("key id \(ResultSigner.keyID(for: key.publicKey))")
        }
    }
}
