import AsyncHTTPClient
import Crypto
import Foundation
import NIOHTTP1
import NIOSSL
import PairPayCore
import PairPayPKI
import RegisterLinkTestSupport
import SettlementPostgres
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `banksim` and `settlementd` as real processes on loopback, with SQLite files, keys and a
/// PairPayPKI CA in a temporary directory; merchants and users enrolled with the `pairpay` CLI.
final class SettlementCluster: @unchecked Sendable {
    struct Merchant {
        let id: String
        let keyID: String
        let key: [UInt8]
        let pushSecret: [UInt8]?
    }
    struct User {
        let id: String
        let keyID: String
        let key: [UInt8]
        let password: String
    }

    static let accounts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("banksim/accounts.sample.json").path

    let pki: TestPKI
    let dir: String
    let publicKey: Curve25519.Signing.PublicKey
    var bank: Process?
    var bankPort = 0
    var server: Process?
    var port = 0
    var extraArguments: [String] = []
    let plain: HTTPClient
    var mtlsClients: [String: HTTPClient] = [:]

    var stderrPath: String { dir + "/settlementd.stderr" }
    var bankState: String { dir + "/bank.sqlite" }
    /// The settlement database `pairpay enroll` writes: the SQLite file, or the PostgreSQL URL of
    /// a cluster whose instances share one (``databaseURL``).
    var db: String { databaseURL ?? dir + "/settlement.sqlite" }
    var databaseURL: String?
    var base: String { "https://127.0.0.1:\(port)" }

    private init(pki: TestPKI, publicKey: Curve25519.Signing.PublicKey) throws {
        self.pki = pki
        dir = pki.directory.path
        plain = HTTPClient.make(tls: try pki.clientTLS())
        self.publicKey = publicKey
    }

    /// Runs `body` with a fresh cluster (banksim running, settlementd not yet started) and tears
    /// everything down afterwards, whatever happens.
    static func with<T>(
        accounts: String = accounts, bankArguments: [String] = [],
        _ body: (SettlementCluster) async throws -> T
    ) async throws -> T {
        let pki = try TestPKI()
        let keys = try await pairpay(["keys", "server-signing", "--out", pki.directory.path + "/signing.key"])
        let hex = try #require(line(keys, "public key "))
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Hex.decode(hex)))
        _ = try await pairpay(["keys", "vault", "--out", pki.directory.path + "/vault.key"])
        let cluster = try SettlementCluster(pki: pki, publicKey: publicKey)
        do {
            try await cluster.startBank(accounts: accounts, extraArguments: bankArguments)
            let result = try await body(cluster)
            await cluster.shutdown()
            return result
        } catch {
            await cluster.shutdown()
            throw error
        }
    }

    func shutdown() async {
        for process in [server, bank].compactMap({ $0 }) where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? await plain.shutdown()
        for client in mtlsClients.values { try? await client.shutdown() }
        try? FileManager.default.removeItem(atPath: dir)
    }

    // MARK: processes

    /// Starts banksim (again, after a crash: `port` the one it had, so settlementd finds it).
    func startBank(accounts: String = accounts, extraArguments: [String] = [], port: Int = 0) async throws {
        let (process, text) = try await Self.launch(
            "banksim",
            [
                "serve", "--accounts", accounts, "--state", bankState, "--port", String(port),
                "--status-interval", "0",
                "--log-level", "warning",
            ] + extraArguments, marker: "listening on", stderr: dir + "/banksim.stderr")
        bank = process
        bankPort = try #require(
            text.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") }.flatMap {
                Int($0.dropFirst("127.0.0.1:".count))
            })
    }

    /// Starts settlementd (again, after a crash: same files).
    func startServer(_ arguments: [String] = []) async throws {
        extraArguments = arguments.isEmpty ? extraArguments : arguments
        if !FileManager.default.fileExists(atPath: stderrPath) {
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
        }
        let (process, text) = try await Self.launch(
            "settlementd",
            [
                "--port", "0", "--tls-cert", pki.directory.serverCertificatePath, "--tls-key",
                pki.directory.serverKeyPath, "--client-ca", pki.directory.caCertificatePath, "--db", db,
                "--vault-key", dir + "/vault.key", "--signing-key", dir + "/signing.key", "--acquirer-port",
                String(bankPort), "--acquirer-state", dir + "/acquirer.sqlite", "--push-retry-seconds", "1",
                "--log-level", "debug",
            ] + extraArguments, marker: "listening on https://", stderr: stderrPath)
        server = process
        let address = try #require(text.split(separator: " ").first { $0.hasPrefix("https://127.0.0.1:") })
        port = try #require(Int(address.dropFirst("https://127.0.0.1:".count)))
    }

    /// The arguments of one settlementd instance on the PostgreSQL `database`, with this cluster's
    /// certificates, keys and bank (the port comes from the caller).
    func instanceArguments(database: PostgresURL) -> [String] {
        [
            "--tls-cert", pki.directory.serverCertificatePath, "--tls-key", pki.directory.serverKeyPath,
            "--client-ca", pki.directory.caCertificatePath, "--database", database.description,
            "--vault-key", dir + "/vault.key", "--signing-key", dir + "/signing.key", "--acquirer-port",
            String(bankPort),
        ]
    }

    /// banksim `kill -9`ed.
    func crashBank() {
        guard let bank else { return }
        kill(bank.processIdentifier, SIGKILL)
        bank.waitUntilExit()
    }

    /// `kill -9`: no graceful anything.
    func crashServer() {
        guard let server else { return }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
    }

    /// Starts an executable, waits (at most 30 s) for a stdout line containing `marker`.
    static func launch(
        _ name: String, _ arguments: [String], marker: String, stderr: String
    ) async throws -> (Process, String) {
        try await BuiltExecutable.launch(name, arguments, marker: marker, stderr: stderr)
    }

    // MARK: CLI

    static func pairpay(_ arguments: [String], stdin: String? = nil) async throws -> String {
        try await BuiltExecutable.runChecked("pairpay", arguments, stdin: stdin)
    }

    static func line(_ text: String, _ prefix: String) -> String? {
        BuiltExecutable.value(after: prefix, in: text)
    }

    /// Enrols a merchant with the real CLI, with a client certificate from the test CA.
    func enrollMerchant(_ id: String, pushURL: String? = nil) async throws -> Merchant {
        let issued = try pki.directory.issueClient(id: id, kind: .merchant)
        var arguments = [
            "enroll", "merchant", "--db", db, "--id", id, "--certificate", issued.certificatePath,
        ]
        if let pushURL { arguments += ["--push-url", pushURL] }
        let text = try await Self.pairpay(arguments)
        #expect(text.contains("certificate sha256 \(issued.fingerprint)"))
        return Merchant(
            id: id, keyID: try #require(Self.line(text, "mac key id ")),
            key: try #require(Self.line(text, "mac key ").flatMap(Hex.decode)),
            pushSecret: Self.line(text, "push secret ").flatMap(Hex.decode))
    }

    /// Enrols a user with a password (from stdin), a MAC key and a client certificate.
    func enrollUser(_ id: String, password: String = "correct horse battery") async throws -> User {
        let issued = try pki.directory.issueClient(id: id, kind: .user)
        let text = try await Self.pairpay(
            [
                "enroll", "user", "--db", db, "--id", id, "--password-stdin", "--certificate",
                issued.certificatePath,
            ],
            stdin: password)
        return User(
            id: id, keyID: try #require(Self.line(text, "mac key id ")),
            key: try #require(Self.line(text, "mac key ").flatMap(Hex.decode)), password: password)
    }

    /// Vaults a card for a user with the CLI (number on stdin); returns the reference.
    func vault(pan: String, expiry: String, user: String) async throws -> String {
        let text = try await Self.pairpay(
            [
                "vault", "add", "--db", db, "--vault-key", dir + "/vault.key", "--user", user, "--expiry",
                expiry,
            ],
            stdin: pan)
        #expect(!text.contains(pan))
        #expect(Self.line(text, "card last4 ") == String(pan.suffix(4)))
        return try #require(Self.line(text, "vault reference "))
    }

    /// banksim's ledger entries with this amount (authorizations and reversals).
    func ledgerEntries(amount: Int64) async throws -> [[String: Any]] {
        let (status, output) = try await BuiltExecutable.run(
            "banksim", ["ledger", "export", "--state", bankState, "--format", "json"])
        guard status == 0 else { throw TestFailure("ledger export failed: \(output)") }
        let start = output.firstIndex(of: "[") ?? output.startIndex
        let entries =
            try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [[String: Any]] ?? []
        return entries.filter { ($0["amount"] as? NSNumber)?.int64Value == amount }
    }

    // MARK: HTTP

    func client(certificate name: String) throws -> HTTPClient {
        if let client = mtlsClients[name] { return client }
        let client = HTTPClient.make(tls: try pki.clientTLS(client: name))
        mtlsClients[name] = client
        return client
    }

    /// A store request signed with the merchant's MAC key.
    func store(
        _ method: HTTPMethod, _ path: String, body: String = "", as merchant: Merchant, key: [UInt8]? = nil,
        nonce: String = UUID().uuidString, at server: String? = nil
    ) async throws -> (status: Int, body: String) {
        try await plain.send(
            method, (server ?? base) + path,
            headers: Self.signed(
                method: method.rawValue, path: path, body: body, keyID: merchant.keyID,
                key: key ?? merchant.key,
                nonce: nonce), body: body.isEmpty ? nil : body)
    }

    /// The phone's second request, signed with the user's MAC key.
    func phone(
        _ orderID: String, body: String, as user: User, key: [UInt8]? = nil, claimedUser: String? = nil,
        nonce: String = UUID().uuidString, at server: String? = nil
    ) async throws -> (status: Int, body: String) {
        let path = "/v1/orders/\(orderID)/payment"
        var headers = Self.signed(
            method: "POST", path: path, body: body, keyID: user.keyID, key: key ?? user.key, nonce: nonce)
        headers.append(("PairPay-User-Id", claimedUser ?? user.id))
        return try await plain.send(.POST, (server ?? base) + path, headers: headers, body: body)
    }

    /// The phone's second request with user id and password.
    func phone(
        _ orderID: String, body: String, user: String, password: String
    ) async throws -> (
        status: Int, body: String
    ) {
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        return try await plain.send(
            .POST, base + "/v1/orders/\(orderID)/payment",
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/json")], body: body)
    }

    static func signed(
        method: String, path: String, body: String, keyID: String, key: [UInt8], nonce: String
    ) -> [(String, String)] {
        let timestamp = Int64(Date().timeIntervalSince1970)
        return [
            ("PairPay-Key-Id", keyID), ("PairPay-Timestamp", String(timestamp)), ("PairPay-Nonce", nonce),
            (
                "PairPay-Signature",
                RequestMAC.signature(
                    key: key, method: method, path: path, timestamp: timestamp, nonce: nonce,
                    body: Array(body.utf8))
            ),
            ("Content-Type", "application/json"),
        ]
    }

    /// Everything settlementd wrote to stderr so far.
    var serverLog: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

/// Order JSON for the tests.
enum Orders {
    static func contents(_ merchant: String, _ order: String, unitPrice: Int64, quantity: Int64 = 1) -> String
    {
        let total = unitPrice * quantity
        return """
            {"merchantId":"\(merchant)","orderId":"\(order)","currency":"JPY","total":\(total),\
            "lineItems":[{"code":"A1","name":"Coffee","unitPrice":\(unitPrice),"quantity":\(quantity),"tax":0}]}
            """
    }

    static func first(_ merchant: String, _ order: String, unitPrice: Int64, expiresIn: Int? = nil) -> String
    {
        let expiry = expiresIn.map { ",\"expiresInSeconds\":\($0)" } ?? ""
        return
            #"{"orderId":"\#(order)","contents":\#(contents(merchant, order, unitPrice: unitPrice))\#(expiry)}"#
    }

    static let pan = "4111111111111111"

    static func second(
        _ merchant: String, _ order: String, unitPrice: Int64, quantity: Int64 = 1,
        vaultReference: String? = nil
    ) -> String {
        let payment =
            vaultReference.map { #"{"vaultReference":"\#($0)"}"# }
            ?? #"{"card":{"pan":"\#(pan)","expiry":"3012","cvc":"123"}}"#
        return """
            {"merchantId":"\(merchant)","orderId":"\(order)","currency":"JPY","total":\(unitPrice * quantity),\
            "contents":\(contents(merchant, order, unitPrice: unitPrice, quantity: quantity)),"payment":\(payment)}
            """
    }
}

/// The suites that start settlementd and banksim processes, one at a time: each starts two
/// processes, and on a small machine running them side by side starves the timing-sensitive
/// suites of other targets.
@Suite("settlementd and banksim as processes", .serialized) enum SettlementdProcessTests {}
