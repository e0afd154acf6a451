import AsyncHTTPClient
import Foundation
import InStoreCluster
import NIOCore
import NIOHTTP1
import NIOSSL
import PairPayCore

/// The real system for the live benchmarks: `banksim` and `settlementd` (release builds, next to
/// this program) on loopback with durable SQLite, the merchant and the user alice enrolled by
/// ``InStoreCluster/prepare()``, and one HTTPS client trusting the PairPay CA.
final class BenchCluster: @unchecked Sendable {
    let cluster: InStoreCluster
    let client: HTTPClient
    let merchantKeyID: String
    let merchantKey: [UInt8]
    let aliceKeyID: String
    let aliceKey: [UInt8]

    /// Starts the bank and settlementd in a fresh temporary directory.
    /// - Parameter pushEndpoint: whether the merchant has a push URL; the settlement suite runs
    ///   without one, so results nobody receives do not add push attempts to what it measures.
    /// - Parameter postgresDatabase: a `postgres://` URL for settlementd's state instead of SQLite.
    static func start(pushEndpoint: Bool = true, postgresDatabase: String? = nil) async throws -> BenchCluster
    {
        let directory = NSTemporaryDirectory() + "pairpay-bench-\(UUID().uuidString)"
        let cluster = try InStoreCluster(directory: directory, executables: ClusterExecutables())
        cluster.postgresDatabase = postgresDatabase
        try await cluster.prepare(pushEndpoint: pushEndpoint)
        try await cluster.startBank()
        try await cluster.startSettlement()
        return try BenchCluster(cluster: cluster)
    }

    private init(cluster: InStoreCluster) throws {
        self.cluster = cluster
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cluster.pki.caCertificatePath))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool = .init(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        merchantKeyID = cluster.merchant.macKeyID
        merchantKey = try Self.hexFile(cluster.merchant.macKeyPath)
        let alice = cluster.users["alice"]?.arguments ?? []
        guard let index = alice.firstIndex(of: "--mac-key-id"), index + 1 < alice.count else {
            throw Shell.Failure(description: "alice has no MAC key id")
        }
        aliceKeyID = alice[index + 1]
        aliceKey = try Self.hexFile(cluster.directory + "/alice-mac.key")
    }

    static func hexFile(_ path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard let bytes = Hex.decode(text) else { throw Shell.Failure(description: "\(path) is not hex") }
        return bytes
    }

    func shutdown() async {
        try? await client.shutdown()
        await cluster.shutdown()
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }

    var base: String { cluster.settlementURL }

    /// Sends one request; returns status and body.
    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// The store's first request, MAC-signed with the merchant's key.
    func first(orderID: String, amount: Int64) async throws -> (status: Int, body: String) {
        let body =
            #"{"orderId":"\#(orderID)","contents":\#(Self.contents(orderID, amount))}"#
        return try await send(
            .POST, "/v1/orders",
            headers: Self.signed(
                method: "POST", path: "/v1/orders", body: body, keyID: merchantKeyID, key: merchantKey),
            body: body)
    }

    /// The phone's second request for the same order, MAC-signed with alice's key, paying by card.
    func second(orderID: String, amount: Int64) async throws -> (status: Int, body: String) {
        let path = "/v1/orders/\(orderID)/payment"
        let body = """
            {"merchantId":"\(InStoreCluster.merchantID)","orderId":"\(orderID)","currency":"JPY","total":\(amount),\
            "contents":\(Self.contents(orderID, amount)),\
            "payment":{"card":{"pan":"4111111111111111","expiry":"3012","cvc":"123"}}}
            """
        var headers = Self.signed(method: "POST", path: path, body: body, keyID: aliceKeyID, key: aliceKey)
        headers.append(("PairPay-User-Id", "alice"))
        return try await send(.POST, path, headers: headers, body: body)
    }

    static func contents(_ orderID: String, _ amount: Int64) -> String {
        """
        {"merchantId":"\(InStoreCluster.merchantID)","orderId":"\(orderID)","currency":"JPY","total":\(amount),\
        "lineItems":[{"code":"A1","name":"Coffee","unitPrice":\(amount),"quantity":1,"tax":0}]}
        """
    }

    static func signed(
        method: String, path: String, body: String, keyID: String, key: [UInt8]
    ) -> [(String, String)] {
        let timestamp = Int64(Date().timeIntervalSince1970)
        let nonce = UUID().uuidString
        return [
            (RequestMAC.keyIDHeader, keyID), (RequestMAC.timestampHeader, String(timestamp)),
            (RequestMAC.nonceHeader, nonce),
            (
                RequestMAC.signatureHeader,
                RequestMAC.signature(
                    key: key, method: method, path: path, timestamp: timestamp, nonce: nonce,
                    body: Array(body.utf8))
            ),
            ("Content-Type", "application/json"),
        ]
    }
}
