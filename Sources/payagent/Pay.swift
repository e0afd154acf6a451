import ArgumentParser
import Foundation
import PairPayCore
import PhoneAgent

/// `payagent pay`: one payment, output per docs/IN-STORE-CONTRACT.md.
struct Pay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pay the order of a payment code.",
        discussion: """
            Prints, one fact per line (stable for scripts):
              order ORDER at MERCHANT
              item CODE QTY x PRICE + tax TAX = LINE NAME      (one per item, when the code has them)
              total JPY 1155
              result approved (approved) approval 123456 card ****1111
              result signature verified
              relay text PAIRPAY-RESULT1:…                     (with --relay-out)
              relayed to URL                                   (with --relay)
            Progress (waiting for the store's order) and errors go to stderr. The card number is \
            never printed, only its last four digits. Secret files (wallet, MAC key, password, \
            client key) must be mode 0600 or stricter. Exit status: 0 approved; 2 not paid (declined, \
            expired, cancelled, or you answered no); 1 error.

            Examples:
              payagent pay "$CODE" --server https://127.0.0.1:8443 --ca ca.pem \\
                  --server-public-key server.pub --user alice --auth password \\
                  --password-file alice.password --wallet wallet.json --yes --relay
              payagent pay - ... --relay-out result.txt < code.txt
            """)

    enum AuthMethod: String, ExpressibleByArgument, CaseIterable {
        case mac, mtls, password
    }

    @Argument(help: "The payment code's text (PAIRPAY1:…); '-' or absent: the first non-empty line of stdin.")
    var payload: String?

    @Option(help: "Your settlement server, https://HOST:PORT. A code naming another server is refused.")
    var server: String

    @Option(help: "PEM file of the CA the server's certificate chains to; the only CA trusted.")
    var ca: String

    @Option(
        name: .customLong("server-public-key"),
        help:
            "File with the server's Ed25519 result key in hex (the `public key` line of `pairpay keys server-signing`)."
    )
    var serverPublicKey: String

    @Option(help: "Your user id (for --auth mac and password).")
    var user: String?

    @Option(help: "How you sign in: mac, mtls or password (default: from the options you give).")
    var auth: AuthMethod?

    @Option(
        name: .customLong("mac-key-id"), help: "Your MAC key's id (`mac key id` of `pairpay enroll user`).")
    var macKeyID: String?

    @Option(name: .customLong("mac-key-file"), help: "File with your MAC key in hex (mode 0600).")
    var macKeyFile: String?

    @Option(name: .customLong("client-cert"), help: "PEM file with your client certificate (--auth mtls).")
    var clientCert: String?

    @Option(name: .customLong("client-key"), help: "PEM file with its private key (mode 0600).")
    var clientKey: String?

    @Option(name: .customLong("password-file"), help: "File whose first line is your password (mode 0600).")
    var passwordFile: String?

    @Option(help: "Wallet JSON file with your cards (mode 0600).")
    var wallet: String?

    @Option(help: "The wallet card to pay with, by name (default: the first).")
    var card: String?

    @Option(name: .customLong("vault-reference"), help: "Pay with a card vaulted on the server instead.")
    var vaultReference: String?

    @Flag(help: "Pay without asking for confirmation.")
    var yes = false

    @Flag(help: "POST the relay text to the payment code's relay URL.")
    var relay = false

    @Option(name: .customLong("relay-out"), help: "Write the relay text to this file (no line break).")
    var relayOut: String?

    func validate() throws {
        guard (wallet == nil) != (vaultReference == nil) else {
            throw ValidationError("pay with exactly one of --wallet FILE or --vault-reference REF")
        }
        if card != nil, wallet == nil {
            throw ValidationError("--card picks a card of --wallet; give --wallet too")
        }
        switch try method() {
        case .mac:
            guard user != nil, macKeyID != nil, macKeyFile != nil else {
                throw ValidationError("--auth mac needs --user, --mac-key-id and --mac-key-file")
            }
        case .mtls:
            guard clientCert != nil, clientKey != nil else {
                throw ValidationError("--auth mtls needs --client-cert and --client-key")
            }
        case .password:
            guard user != nil, passwordFile != nil else {
                throw ValidationError("--auth password needs --user and --password-file")
            }
        }
    }

    /// `--auth`, or the method the other options point to.
    func method() throws -> AuthMethod {
        if let auth { return auth }
        if macKeyFile != nil { return .mac }
        if clientCert != nil { return .mtls }
        if passwordFile != nil { return .password }
        throw ValidationError(
            "say how you sign in: --auth mac (--mac-key-id, --mac-key-file), mtls (--client-cert, --client-key) or password (--password-file)"
        )
    }

    func run() async throws {
        do {
            try await pay()
        } catch let code as ExitCode {
            throw code
        } catch let error as PhoneAgentError {
            Self.printError(error.description)
            throw ExitCode(error.meansExpired ? 2 : 1)
        } catch {
            Self.printError(String(describing: error))
            throw ExitCode.failure
        }
    }

    func pay() async throws {
        let authentication = try userAuthentication()
        let instrument = try paymentInstrument()
        guard
            let keyText = FileManager.default.contents(atPath: serverPublicKey).map({
                String(decoding: $0, as: UTF8.self)
            })
        else { throw PhoneAgentError.fileUnreadable(path: serverPublicKey) }
        let configuration = try PhoneAgentConfiguration(
            serverURL: server, serverPublicKey: try PhoneAgentConfiguration.serverPublicKey(hex: keyText),
            authentication: authentication)
        let (text, fromStdin) = try payloadText()
        let transport: AsyncHTTPClientTransport
        do {
            transport = try AsyncHTTPClientTransport(
                caPath: ca, clientCertificatePath: authentication == .clientCertificate ? clientCert : nil,
                clientKeyPath: authentication == .clientCertificate ? clientKey : nil)
        } catch {
            throw PayagentFailure("cannot use the TLS files (--ca, --client-cert, --client-key): \(error)")
        }
        do {
            try await pay(
                text, fromStdin: fromStdin, instrument: instrument,
                agent: PhoneAgent(configuration: configuration, transport: transport))
            await transport.shutdown()
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    func pay(
        _ text: String, fromStdin: Bool, instrument: PaymentInstrument, agent: PhoneAgent
    ) async throws {
        let payload = try agent.read(text)
        let presentation = OrderPresentation(payload)
        for line in presentation.lines { Self.say(line) }
        if !yes {
            guard try Confirmation.ask(presentation.question, stdinCarriedPayload: fromStdin) else {
                Self.printError("you did not agree: nothing was paid")
                throw ExitCode(2)
            }
        }
        let outcome = try await agent.pay(payload, with: instrument) { progress in
            FileHandle.standardError.write(Data((progress.description + "\n").utf8))
        }
        Self.say(outcome.resultLine)
        Self.say("result signature verified")
        if let relayOut {
            let relayText = try outcome.relayText()
            guard FileManager.default.createFile(atPath: relayOut, contents: Data(relayText.utf8)) else {
                throw PayagentFailure(
                    "cannot write the relay text to \(relayOut); the payment itself is done")
            }
            Self.say("relay text \(relayText)")
        }
        if relay {
            Self.say("relayed to \(try await agent.relay(outcome, for: payload))")
        }
        if !outcome.isApproved { throw ExitCode(2) }
    }

    func userAuthentication() throws -> UserAuthentication {
        switch try method() {
        case .mac:
            return .requestMAC(
                userID: user ?? "", keyID: macKeyID ?? "", key: try SecretFile.hexKey(macKeyFile ?? ""))
        case .mtls:
            try SecretFile.checkMode(clientKey ?? "")
            return .clientCertificate
        case .password:
            return .password(userID: user ?? "", password: try SecretFile.password(passwordFile ?? ""))
        }
    }

    func paymentInstrument() throws -> PaymentInstrument {
        if let vaultReference { return .vaultReference(vaultReference) }
        return try Wallet.load(path: wallet ?? "").card(named: card).instrument
    }

    /// The argument, or the first non-empty line of stdin; and whether stdin carried it.
    func payloadText() throws -> (String, Bool) {
        if let payload, payload != "-" { return (payload, false) }
        while let line = readLine() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return (trimmed, true) }
        }
        throw PayagentFailure("no payment code: give it as the argument or on stdin")
    }

    /// One stdout line, written at once (unbuffered, so it is out before any prompt or exit).
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func printError(_ sentence: String) {
        FileHandle.standardError.write(Data(("payagent: " + sentence + "\n").utf8))
    }
}
