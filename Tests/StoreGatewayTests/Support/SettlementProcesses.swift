import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PairPayCore
import PairPayPKI
import RegisterLinkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real settlement server for the gateway's tests: `banksim` and `settlementd` as processes on
/// loopback with a PairPayPKI CA, signing and vault keys in a temporary directory; merchant and
/// user enrolled with the real `pairpay` CLI. The phone's second request is sent over HTTPS.
final class SettlementProcesses: @unchecked Sendable {
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
    }

    static let accounts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("banksim/accounts.sample.json").path
    static let pan = "4111111111111111"

    let pki: PKIDirectory
    let dir: String
    let publicKeyHex: String
    var bank: Process?
    var bankPort = 0
    var server: Process?
    var port = 0
    let phoneClient: HTTPClient

    var base: String { "https://127.0.0.1:\(port)" }
    var db: String { dir + "/settlement.sqlite" }
    var serverLog: String {
        (try? String(contentsOfFile: dir + "/settlementd.stderr", encoding: .utf8)) ?? ""
    }

    private init(pki: PKIDirectory, publicKeyHex: String) throws {
        self.pki = pki
        dir = pki.path
        self.publicKeyHex = publicKeyHex
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCertificatePath))
        phoneClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    /// Runs `body` with banksim and settlementd running, and tears everything down afterwards.
    static func with<T>(
        serverArguments: [String] = [], _ body: (SettlementProcesses) async throws -> T
    ) async throws -> T {
        let path = NSTemporaryDirectory() + "pairpay-store-\(UUID().uuidString)"
        let pki = PKIDirectory(path: path)
        try pki.initialize()
        let keys = try await pairpay(["keys", "server-signing", "--out", path + "/signing.key"])
        let hex = try #require(line(keys, "public key "))
        _ = try await pairpay(["keys", "vault", "--out", path + "/vault.key"])
        let cluster = try SettlementProcesses(pki: pki, publicKeyHex: hex)
        do {
            try await cluster.startBank()
            try await cluster.startServer(serverArguments)
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
        try? await phoneClient.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func startBank() async throws {
        let (process, text) = try await Self.launch(
            "banksim",
            [
                "serve", "--accounts", Self.accounts, "--state", dir + "/bank.sqlite", "--port", "0",
                "--status-interval", "0", "--log-level", "warning",
            ], marker: "listening on", stderr: dir + "/banksim.stderr")
        bank = process
        bankPort = try #require(
            text.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") }.flatMap {
                Int($0.dropFirst("127.0.0.1:".count))
            })
    }

    /// The amounts of banksim's ledger entries of `event` (`refund`, `capture`, …) answered 00.
    func bankEntries(event: String) async throws -> [Int64] {
        let (status, output) = try await BuiltExecutable.run(
            "banksim", ["ledger", "export", "--state", dir + "/bank.sqlite", "--format", "json"])
        guard status == 0 else { throw TestFailure("ledger export failed: \(output)") }
        let start = output.firstIndex(of: "[") ?? output.startIndex
        let entries =
            try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [[String: Any]] ?? []
        return entries.compactMap { entry in
            guard entry["event"] as? String == event, entry["response_code"] as? String == "00" else {
                return nil
            }
            return (entry["amount"] as? NSNumber)?.int64Value
        }
    }

    func startServer(_ extra: [String]) async throws {
        let (process, text) = try await Self.launch(
            "settlementd",
            [
                "--port", "0", "--tls-cert", pki.serverCertificatePath, "--tls-key", pki.serverKeyPath,
                "--client-ca", pki.caCertificatePath, "--db", db, "--vault-key", dir + "/vault.key",
                "--signing-key", dir + "/signing.key", "--acquirer-port", String(bankPort),
                "--acquirer-state",
                dir + "/acquirer.sqlite", "--push-retry-seconds", "1", "--log-level", "debug",
            ] + extra, marker: "listening on https://", stderr: dir + "/settlementd.stderr")
        server = process
        let address = try #require(text.split(separator: " ").first { $0.hasPrefix("https://127.0.0.1:") })
        port = try #require(Int(address.dropFirst("https://127.0.0.1:".count)))
    }

    /// Starts an executable and waits (at most 30 s) for a stdout line containing `marker`.
    static func launch(
        _ name: String, _ arguments: [String], marker: String, stderr: String
    ) async throws -> (Process, String) {
        try await BuiltExecutable.launch(name, arguments, marker: marker, stderr: stderr)
    }

    static func pairpay(_ arguments: [String], stdin: String? = nil) async throws -> String {
        try await BuiltExecutable.runChecked("pairpay", arguments, stdin: stdin)
    }

    static func line(_ text: String, _ prefix: String) -> String? {
        BuiltExecutable.value(after: prefix, in: text)
    }

    /// Enrols a merchant with a MAC key and a client certificate from the test CA.
    func enrollMerchant(_ id: String, pushURL: String? = nil) async throws -> Merchant {
        _ = try pki.issueClient(id: id, kind: .merchant)
        var arguments = [
            "enroll", "merchant", "--db", db, "--id", id, "--certificate", pki.clientCertificatePath(id),
        ]
        if let pushURL { arguments += ["--push-url", pushURL] }
        let text = try await Self.pairpay(arguments)
        return Merchant(
            id: id, keyID: try #require(Self.line(text, "mac key id ")),
            key: try #require(Self.line(text, "mac key ").flatMap(Hex.decode)),
            pushSecret: Self.line(text, "push secret ").flatMap(Hex.decode))
    }

    func enrollUser(_ id: String) async throws -> User {
        _ = try pki.issueClient(id: id, kind: .user)
        let text = try await Self.pairpay(
            [
                "enroll", "user", "--db", db, "--id", id, "--password-stdin", "--certificate",
                pki.clientCertificatePath(id),
            ],
            stdin: "correct horse battery")
        return User(
            id: id, keyID: try #require(Self.line(text, "mac key id ")),
            key: try #require(Self.line(text, "mac key ").flatMap(Hex.decode)))
    }

    /// The phone's second request for the payload's order, paying with the sample Visa card;
    /// returns the HTTP status and the body (the signed result's JSON when 200).
    func pay(
        _ payload: PaymentPayload, as user: User, pan: String = SettlementProcesses.pan, total: Int64? = nil
    )
        async throws -> (status: Int, body: String)
    {
        let path = "/v1/orders/\(payload.orderID)/payment"
        let body = """
            {"merchantId":"\(payload.merchantID)","orderId":"\(payload.orderID)","currency":"\(payload.total.currency.code)",\
            "total":\(total ?? payload.total.minorUnits),"contentsDigest":"\(payload.contentsDigest)",\
            "payment":{"card":{"pan":"\(pan)","expiry":"3012","cvc":"123"}}}
            """
        let timestamp = Int64(Date().timeIntervalSince1970)
        let nonce = UUID().uuidString
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        for (name, value) in [
            ("PairPay-Key-Id", user.keyID), ("PairPay-User-Id", user.id),
            ("PairPay-Timestamp", String(timestamp)),
            ("PairPay-Nonce", nonce),
            (
                "PairPay-Signature",
                RequestMAC.signature(
                    key: user.key, method: "POST", path: path, timestamp: timestamp, nonce: nonce,
                    body: Array(body.utf8))
            ), ("Content-Type", "application/json"),
        ] {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await phoneClient.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// Writes `text` to a file in the cluster's directory with `mode`; returns its path.
    func file(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The suites that start settlementd and banksim processes, one at a time (two processes each;
/// side by side they would starve the timing-sensitive suites of other targets on a small machine).
@Suite("StoreGateway with settlementd and banksim as processes", .serialized) enum StoreProcessTests {}
