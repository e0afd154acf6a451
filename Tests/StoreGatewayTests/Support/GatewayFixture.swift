import AsyncHTTPClient
import Foundation
import LogCapture
import Logging
import NIOCore
import PairPayCore
import Register
import RegisterProtocol
import StoreGateway
import Synchronization
import Testing

/// Sales, orders and gateways for the tests.
enum Fixture {
    static let sale = Sale(
        receipt: "R-1", currencyCode: "JPY", total: 1155,
        lineItems: [
            SaleLineItem(code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: 1, tax: 25),
            SaleLineItem(code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
        ])

    static func order(
        _ id: String = "PP-T-\(UUID().uuidString.prefix(8))", receipt: String = "R-1"
    ) throws -> StoreOrder {
        var sale = Self.sale
        sale.receipt = receipt
        return StoreOrder(orderID: id, receipt: receipt, sale: try sale.validated())
    }

    /// A gateway for `merchant` talking to `cluster`, MAC-authenticated unless told otherwise.
    static func configuration(
        _ cluster: SettlementProcesses, _ merchant: SettlementProcesses.Merchant, paths: Set<ResultSource>,
        mutualTLS: Bool = false, macKey: [UInt8]? = nil, publicKeyHex: String? = nil, relay: Bool = true,
        push: Bool = false, ttl: Int = 60
    ) throws -> StoreGatewayConfiguration {
        let authentication: StoreAuthentication =
            mutualTLS
            ? .mutualTLS(
                certificatePath: cluster.pki.clientCertificatePath(merchant.id),
                keyPath: cluster.pki.clientKeyPath(merchant.id))
            : .mac(keyID: merchant.keyID, key: macKey ?? merchant.key)
        return StoreGatewayConfiguration(
            settlementURL: cluster.base, settlementCAPath: cluster.pki.caCertificatePath,
            merchantID: merchant.id,
            authentication: authentication,
            serverPublicKey: try #require(Hex.decode(publicKeyHex ?? cluster.publicKeyHex)),
            resultPaths: paths,
            relayListen: relay ? ListenAddress(host: "127.0.0.1", port: 0) : nil,
            push: push
                ? PushReceiverSettings(
                    listen: ListenAddress(host: "127.0.0.1", port: 0),
                    tls: ListenerTLS(
                        certificatePath: cluster.pki.serverCertificatePath, keyPath: cluster.pki.serverKeyPath
                    ),
                    secret: merchant.pushSecret ?? Array(repeating: 7, count: 32)) : nil,
            pollInterval: .milliseconds(200), orderTTLSeconds: ttl, finalQueryGrace: .seconds(2),
            retryBase: .milliseconds(200))
    }

    /// Runs `body` with a started gateway, and shuts it down afterwards.
    static func withGateway<T>(
        _ configuration: StoreGatewayConfiguration, log: CapturedLog = CapturedLog(),
        _ body: (HTTPSettlementGateway, HTTPSettlementGateway.Listeners) async throws -> T
    ) async throws -> T {
        let gateway = try HTTPSettlementGateway(
            configuration: configuration, logger: log.logger(label: "gateway"))
        do {
            let listeners = try await gateway.start()
            let result = try await body(gateway, listeners)
            await gateway.shutdown()
            return result
        } catch {
            await gateway.shutdown()
            throw error
        }
    }

    /// The outcome of `order`, waiting at most `limit` for it (the gateway's own deadline is `until`).
    static func outcome(
        _ gateway: HTTPSettlementGateway, _ order: StoreOrder, until deadline: ContinuousClock.Instant,
        stages: StageRecorder = StageRecorder(), limit: Duration = .seconds(60)
    ) async throws -> SettlementOutcome {
        try await withThrowingTaskGroup(of: SettlementOutcome?.self) { group in
            group.addTask {
                try await gateway.outcome(of: order, until: deadline) { stages.record($0) }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let outcome = first else {
                throw TestFailure("no outcome for order \(order.orderID) within \(limit)")
            }
            return outcome
        }
    }

    /// POSTs `body` to `url` over plain HTTP (the relay endpoint); returns status and body.
    static func post(
        _ url: String, _ body: String, headers: [(String, String)] = [], client: HTTPClient = .shared
    )
        async throws -> (status: Int, body: String)
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(15))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }
}

/// The progress stages a gateway reported.
final class StageRecorder: Sendable {
    let stages = Mutex<[ProgressStage]>([])
    func record(_ stage: ProgressStage) { stages.withLock { $0.append(stage) } }
    var all: [ProgressStage] { stages.withLock { $0 } }
}

/// Polls `condition` every 50 ms until it holds or `limit` passes; looks once more after the deadline.
func eventually(_ limit: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
