import ArgumentParser
import Foundation

/// `payagent`: the customer's phone as a command.
@main
struct PayagentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payagent",
        abstract: "The customer's phone for PairPay: pay the order of a register's payment code.",
        discussion: """
            payagent reads the text of the QR code the register shows (PAIRPAY1:…), shows the order, \
            asks before paying, sends the payment to your settlement server and checks the server's \
            signature on the result. It only talks to the server you name with --server.

            Pay with a card from a wallet file, signing requests with your MAC key:
              payagent pay 'PAIRPAY1:eyJ…' --server https://127.0.0.1:8443 --ca run/pki/ca.pem \\
                  --server-public-key run/server-public.hex --user alice \\
                  --auth mac --mac-key-id mk_… --mac-key-file alice.mackey \\
                  --wallet wallet.json --card visa
            Read the code from stdin, pay a vaulted card with a client certificate, no prompt:
              echo 'PAIRPAY1:eyJ…' | payagent pay - --server https://127.0.0.1:8443 --ca ca.pem \\
                  --server-public-key server-public.hex --auth mtls \\
                  --client-cert alice.pem --client-key alice-key.pem --vault-reference vr_… --yes
            Exit status: 0 approved, 2 not paid (declined, expired, cancelled, or you answered no), 1 error.
            """,
        version: "0.1.0",
        subcommands: [Pay.self])

    /// Runs the command; every failure but "not paid" (2) and help (0) exits 1, usage errors too.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(withError: code)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode.failure)
        }
    }
}
