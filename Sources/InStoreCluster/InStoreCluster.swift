import Foundation
import PairPayPKI
import RegisterLinkTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The whole in-store system on one machine: `banksim`, `settlementd` and `registerd` as real
/// processes on loopback, a test PKI, keys, an enrolled merchant and users, and a simulated
/// register on a pty pair. `pairpay demo` and the in-store end-to-end tests both run on it.
///
/// Files live in ``directory``: PEM files under `pki/`, the SQLite files, process logs
/// (`*.log`), the registerd configuration and the phones' wallets.
public final class InStoreCluster: @unchecked Sendable {
    /// The merchant of the demo (Fig. 5's store).
    public static let merchantID = "MERCHANT-42"
    /// registerd's terminal id (the prefix of its order ids).
    public static let terminalID = "PP-DEMO-1"

    public let directory: String
    public let executables: ClusterExecutables
    public let pki: PKIDirectory
    /// Ed25519 result key of settlementd: the hex public key file stores and phones verify with.
    public private(set) var serverPublicKeyPath = ""
    public private(set) var merchant = EnrolledMerchant()
    public private(set) var users: [String: EnrolledUser] = [:]

    public internal(set) var bank: ManagedProcess?
    /// settlementd (the first instance, the one registerd talks to).
    public var settlement: ManagedProcess? { settlements[0] }
    /// Every settlementd instance started: one, or two on one PostgreSQL database.
    public internal(set) var settlements: [ManagedProcess?] = [nil]
    /// Each instance's port.
    public internal(set) var settlementPorts: [Int] = [0]
    /// The PostgreSQL database every settlementd instance shares (`postgres://…`), or nil for the
    /// SQLite files in ``directory``. Set before ``prepare(pushEndpoint:)``.
    public var postgresDatabase: String?
    /// The settlementd instance phones (payagent) pay at: 0, or 1 to pay at the second instance
    /// while registerd talks to the first.
    public var phoneInstance = 0
    public internal(set) var registerd: ManagedProcess?
    /// The registerd of each lane started with ``startLane(_:devicePath:resultPaths:)``, by lane id.
    public internal(set) var laneRegisterds: [String: ManagedProcess] = [:]
    public internal(set) var bankPort = 0
    /// The first instance's port.
    public var settlementPort: Int { settlementPorts[0] }
    /// The port registerd's push receiver listens on (chosen before enrolment: the push URL is enrolled).
    public let pushPort: Int
    /// The relay endpoint registerd printed, once it runs with relay enabled.
    public internal(set) var relayEndpoint: String?

    /// What the merchant's enrolment printed (the store's secrets, kept in files mode 0600).
    public struct EnrolledMerchant: Sendable {
        public var macKeyID = ""
        public var macKeyPath = ""
        public var pushSecretPath = ""
        public var certificatePath = ""
        public var keyPath = ""
    }

    /// A user's phone: how it signs in and pays.
    public struct EnrolledUser: Sendable {
        public let id: String
        /// The payagent arguments for its sign-in and card.
        public let arguments: [String]
    }

    /// - Parameters:
    ///   - directory: an empty directory for everything the cluster writes (created if missing).
    ///   - executables: where the programs are.
    public init(directory: String, executables: ClusterExecutables) throws {
        self.directory = directory
        self.executables = executables
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pki = PKIDirectory(path: directory + "/pki")
        pushPort = try FreePort.pick()
    }

    public var settlementURL: String { "https://127.0.0.1:\(settlementPort)" }
    /// Instance `index`'s address.
    public func settlementURL(instance index: Int) -> String { "https://127.0.0.1:\(settlementPorts[index])" }
    /// Where the settlement state is: the SQLite file, or ``postgresDatabase``.
    public var settlementDatabase: String { postgresDatabase ?? directory + "/settlement.sqlite" }
    /// Where the acquirer's state is: its SQLite file, or ``postgresDatabase``.
    public var acquirerState: String { postgresDatabase ?? directory + "/acquirer.sqlite" }
    public var bankState: String { directory + "/bank.sqlite" }
    public var journalPath: String { directory + "/registerd-journal.sqlite" }

    /// Stops every process (SIGTERM, then SIGKILL).
    public func shutdown() async {
        let lanes = laneRegisterds.keys.sorted().compactMap { laneRegisterds[$0] }
        for process in ([registerd] + lanes + settlements + [bank]).compactMap({ $0 }) {
            await process.stop()
        }
    }

    // MARK: - Set-up

    /// Makes the PKI, the server's keys, the bank's accounts, and enrols the merchant and five
    /// users: alice (MAC key, card in her wallet), bob (password), carol (client certificate),
    /// dave (MAC key, card in the server's vault) and ed (MAC key, a US dollar card). Returns the commands run, for a transcript.
    ///
    /// - Parameter pushEndpoint: enrol the merchant with registerd's push URL (result path 2).
    ///   Without it, settlementd queues no pushes (for measuring settlement alone).
    @discardableResult
    public func prepare(pushEndpoint: Bool = true, serverHosts: [String] = []) async throws -> [String] {
        var commands: [String] = []
        // A host given as digits and dots is an IP address in the server certificate, else a name.
        let addresses = serverHosts.filter { $0.allSatisfy { $0.isNumber || $0 == "." } }
        let names = serverHosts.filter { !addresses.contains($0) }
        try pki.initialize(
            serverDNSNames: ["localhost"] + names, serverIPAddresses: ["127.0.0.1"] + addresses)
        commands.append("pairpay pki init --dir pki")
        try pki.issueServer(name: "registerd", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        commands.append("pairpay pki server --dir pki --name registerd")
        let merchantCertificate = try pki.issueClient(id: Self.merchantID, kind: .merchant)
        let carolCertificate = try pki.issueClient(id: "carol", kind: .user)
        commands.append("pairpay pki client --dir pki --kind merchant --name \(Self.merchantID)")
        commands.append("pairpay pki client --dir pki --kind user --name carol")

        let keys = try await pairpay(["keys", "server-signing", "--out", directory + "/signing.key"])
        serverPublicKeyPath = directory + "/server-public.key"
        try write(
            try Self.value(after: "public key ", in: keys) + "\n", to: serverPublicKeyPath, secret: false)
        _ = try await pairpay(["keys", "vault", "--out", directory + "/vault.key"])
        commands.append("pairpay keys server-signing --out signing.key")
        commands.append("pairpay keys vault --out vault.key")
        try write(Self.accountsJSON, to: directory + "/accounts.json", secret: false)

        let enrolled = try await pairpay(
            [
                "enroll", "merchant", "--db", settlementDatabase, "--id", Self.merchantID, "--certificate",
                merchantCertificate.certificatePath,
            ] + (pushEndpoint ? ["--push-url", "https://127.0.0.1:\(pushPort)/v1/push"] : []))
        commands.append(
            "pairpay enroll merchant --id \(Self.merchantID) --certificate … --push-url https://127.0.0.1:\(pushPort)/v1/push"
        )
        merchant = EnrolledMerchant(
            macKeyID: try Self.value(after: "mac key id ", in: enrolled),
            macKeyPath: directory + "/store-mac.key", pushSecretPath: directory + "/store-push.secret",
            certificatePath: merchantCertificate.certificatePath, keyPath: merchantCertificate.keyPath)
        try write(
            try Self.value(after: "mac key ", in: enrolled) + "\n", to: merchant.macKeyPath, secret: true)
        if pushEndpoint {
            try write(
                try Self.value(after: "push secret ", in: enrolled) + "\n", to: merchant.pushSecretPath,
                secret: true)
        }

        let phoneTrust = ["--server-public-key", serverPublicKeyPath, "--ca", pki.caCertificatePath]
        // alice: MAC key and a card in her phone's wallet.
        let alice = try await pairpay(["enroll", "user", "--db", settlementDatabase, "--id", "alice"])
        let aliceKey = directory + "/alice-mac.key"
        try write(try Self.value(after: "mac key ", in: alice) + "\n", to: aliceKey, secret: true)
        try write(
            Self.wallet(pan: "4111111111111111", expiry: "3012", cvc: "123"),
            to: directory + "/alice-wallet.json", secret: true)
        users["alice"] = EnrolledUser(
            id: "alice",
            arguments: phoneTrust + [
                "--user", "alice", "--auth", "mac", "--mac-key-id",
                try Self.value(after: "mac key id ", in: alice),
                "--mac-key-file", aliceKey, "--wallet", directory + "/alice-wallet.json",
            ])
        commands.append("pairpay enroll user --id alice")
        // bob: id and password, a debit card in his wallet.
        _ = try await pairpay(
            ["enroll", "user", "--db", settlementDatabase, "--id", "bob", "--password-stdin"],
            input: "correct horse battery staple\n")
        try write("correct horse battery staple\n", to: directory + "/bob.password", secret: true)
        try write(
            Self.wallet(pan: "5555555555554444", expiry: "3006", cvc: "456"),
            to: directory + "/bob-wallet.json", secret: true)
        users["bob"] = EnrolledUser(
            id: "bob",
            arguments: phoneTrust + [
                "--user", "bob", "--auth", "password", "--password-file", directory + "/bob.password",
                "--wallet", directory + "/bob-wallet.json",
            ])
        commands.append("pairpay enroll user --id bob --password-stdin")
        // carol: client certificate (mutual TLS), card in her wallet.
        _ = try await pairpay([
            "enroll", "user", "--db", settlementDatabase, "--id", "carol", "--certificate",
            carolCertificate.certificatePath,
        ])
        try write(
            Self.wallet(pan: "4111111111111111", expiry: "3012", cvc: "123"),
            to: directory + "/carol-wallet.json", secret: true)
        users["carol"] = EnrolledUser(
            id: "carol",
            arguments: phoneTrust + [
                "--user", "carol", "--auth", "mtls", "--client-cert", carolCertificate.certificatePath,
                "--client-key", carolCertificate.keyPath, "--wallet", directory + "/carol-wallet.json",
            ])
        commands.append("pairpay enroll user --id carol --certificate pki/clients/carol.pem")
        // dave: MAC key, card kept in the server's vault.
        let dave = try await pairpay(["enroll", "user", "--db", settlementDatabase, "--id", "dave"])
        let daveKey = directory + "/dave-mac.key"
        try write(try Self.value(after: "mac key ", in: dave) + "\n", to: daveKey, secret: true)
        let vaulted = try await pairpay(
            [
                "vault", "add", "--db", settlementDatabase, "--vault-key", directory + "/vault.key", "--user",
                "dave",
                "--expiry", "3012",
            ], input: "4111111111111111\n")
        users["dave"] = EnrolledUser(
            id: "dave",
            arguments: phoneTrust + [
                "--user", "dave", "--auth", "mac", "--mac-key-id",
                try Self.value(after: "mac key id ", in: dave),
                "--mac-key-file", daveKey, "--vault-reference",
                try Self.value(after: "vault reference ", in: vaulted),
            ])
        commands.append("pairpay enroll user --id dave; pairpay vault add --user dave (card number on stdin)")
        // ed: MAC key, a US dollar card (American Express) in his wallet.
        let ed = try await pairpay(["enroll", "user", "--db", settlementDatabase, "--id", "ed"])
        let edKey = directory + "/ed-mac.key"
        try write(try Self.value(after: "mac key ", in: ed) + "\n", to: edKey, secret: true)
        try write(
            Self.wallet(pan: "378282246310005", expiry: "3012", cvc: "1234"),
            to: directory + "/ed-wallet.json",
            secret: true)
        users["ed"] = EnrolledUser(
            id: "ed",
            arguments: phoneTrust + [
                "--user", "ed", "--auth", "mac", "--mac-key-id", try Self.value(after: "mac key id ", in: ed),
                "--mac-key-file", edKey, "--wallet", directory + "/ed-wallet.json",
            ])
        commands.append("pairpay enroll user --id ed (a US dollar card)")
        return commands
    }

    /// The demo bank's cards (a subset of banksim/accounts.sample.json).
    static let accountsJSON = """
        {"accounts": [
          {"id": "visa-credit", "pan": "4111111111111111", "expiry": "3012", "cvc": "123", "currency": "JPY",
           "kind": "credit", "limit": 100000, "perTransactionLimit": 50000},
          {"id": "mc-debit", "pan": "5555555555554444", "expiry": "3006", "cvc": "456", "currency": "JPY",
           "kind": "debit", "limit": 3000},
          {"id": "amex-usd", "pan": "378282246310005", "expiry": "3012", "cvc": "1234", "currency": "USD",
           "kind": "credit", "limit": 500000}
        ]}

        """

    static func wallet(pan: String, expiry: String, cvc: String) -> String {
        "{\"cards\":[{\"name\":\"card\",\"pan\":\"\(pan)\",\"expiry\":\"\(expiry)\",\"cvc\":\"\(cvc)\"}]}\n"
    }

    /// Runs `pairpay` and returns its output.
    /// - Throws: ``ClusterError/commandFailed(_:_:)`` on a non-zero exit.
    func pairpay(_ arguments: [String], input: String? = nil) async throws -> String {
        let (status, output) = try await executables.run("pairpay", arguments, input: input)
        guard status == 0 else {
            throw ClusterError.commandFailed("pairpay " + arguments.prefix(2).joined(separator: " "), output)
        }
        return output
    }

    /// The one-word value of the `prefix VALUE` line of a command's output.
    /// - Throws: ``ClusterError/unexpected(_:)`` when there is no such line.
    public static func value(after prefix: String, in output: String) throws -> String {
        guard let value = BuiltExecutable.value(after: prefix, in: output) else {
            throw ClusterError.unexpected("expected a line starting with '\(prefix)' in:\n\(output)")
        }
        return value
    }

    func write(_ text: String, to path: String, secret: Bool) throws {
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8),
                attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        else { throw ClusterError.unexpected("cannot write \(path)") }
    }
}
