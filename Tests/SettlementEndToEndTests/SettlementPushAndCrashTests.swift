import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import PairPayCore
import SettlementHTTP
import Synchronization
import Testing

extension SettlementdProcessTests {
    /// Result path 2 from the real settlementd to an HTTPS receiver, and `kill -9` between requests.
    @Suite("settlementd end to end: push and crash")
    struct SettlementPushAndCrashTests {
        @Test func pushIsSignedAndStateSurvivesKillNine() async throws {
            try await SettlementCluster.with { cluster in
                let received = Received()
                let router = Router()
                router.post("/hook") { request, _ -> Response in
                    let bytes = try await request.body.collect(upTo: 1 << 16)
                    received.requests.withLock {
                        $0.append(
                            (
                                request.headers[HTTPField.Name("PairPay-Signature")!] ?? "",
                                Array(bytes.readableBytesView)
                            ))
                    }
                    return Response(status: .noContent)
                }
                let port = PortBox()
                let receiver = Application(
                    router: router,
                    server: try .tls(tlsConfiguration: try cluster.pki.serverTLS.configuration()),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { port.set($0.localAddress?.port ?? 0) })
                try await withRunningServices([receiver]) {
                    let hook = "https://127.0.0.1:\(try await port.wait())/hook"
                    let shop = try await cluster.enrollMerchant("shop-1", pushURL: hook)
                    let secret = try #require(shop.pushSecret)
                    let alice = try await cluster.enrollUser("alice")
                    // The poll is 5 s apart: the first push below comes by the engine's ring.
                    try await cluster.startServer(["--push-poll-ms", "5000"])
                    let verifier = ResultVerifier(publicKey: cluster.publicKey)

                    _ = try await cluster.store(
                        .POST, "/v1/orders", body: Orders.first("shop-1", "p-1", unitPrice: 3111), as: shop)
                    let paid = try await cluster.phone(
                        "p-1", body: Orders.second("shop-1", "p-1", unitPrice: 3111), as: alice)
                    #expect(paid.status == 200, "\(paid.body)")
                    let signed = try JSONDecoder().decode(
                        SignedSettlementResult.self, from: Data(paid.body.utf8))

                    // Path 2: the receiver gets the same signed result with a valid t=…,v1=… header,
                    // pushed the moment it was final: well before the next poll, 5 s after the start.
                    for _ in 0..<30 where received.requests.withLock({ $0.isEmpty }) {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let pushes = received.requests.withLock { $0 }
                    #expect(pushes.count == 1, "not pushed at once: settlementd waited for its poll")
                    if let push = pushes.first {
                        #expect(push.signature.hasPrefix("t=") && push.signature.contains(",v1="))
                        #expect(
                            PushSignature.verify(header: push.signature, secret: secret, body: push.body)
                                != nil)
                        let pushed = try JSONDecoder().decode(
                            SignedSettlementResult.self, from: Data(push.body))
                        #expect(pushed == signed)
                        #expect(try verifier.verify(pushed).status == .approved)
                        #expect(!String(decoding: push.body, as: UTF8.self).contains(Orders.pan))
                    }

                    // A waiting order, then kill -9 between requests, then restart on the same files.
                    _ = try await cluster.store(
                        .POST, "/v1/orders", body: Orders.first("shop-1", "p-2", unitPrice: 3222), as: shop)
                    // A query writes nothing but its nonce, and that commit has no fsync of its
                    // own: it must still outlive kill -9 (replayed below, after the restart).
                    let queryNonce = UUID().uuidString
                    #expect(
                        try await cluster.store(.GET, "/v1/orders/p-2", as: shop, nonce: queryNonce).status
                            == 200)
                    cluster.crashServer()
                    try await cluster.startServer()
                    let replayed = try await cluster.store(
                        .GET, "/v1/orders/p-2", as: shop, nonce: queryNonce)
                    #expect(replayed.status == 401 && replayed.body.contains("nonce"), "\(replayed.body)")
                    let after = try await cluster.store(.GET, "/v1/orders/p-1", as: shop)
                    #expect(after.status == 200)
                    struct View: Decodable { let result: SignedSettlementResult? }
                    #expect(try JSONDecoder().decode(View.self, from: Data(after.body.utf8)).result == signed)
                    let resumed = try await cluster.phone(
                        "p-2", body: Orders.second("shop-1", "p-2", unitPrice: 3222), as: alice)
                    #expect(resumed.status == 200, "\(resumed.body)")
                    #expect(
                        try verifier.verify(
                            JSONDecoder().decode(SignedSettlementResult.self, from: Data(resumed.body.utf8))
                        ).status == .approved)
                    // The first order was not charged again, nor pushed twice.
                    #expect(try await cluster.ledgerEntries(amount: 3111).count == 1)
                    #expect(try await cluster.ledgerEntries(amount: 3222).count == 1)
                    for _ in 0..<100 where received.requests.withLock({ $0.count < 2 }) {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(received.requests.withLock { $0.count } == 2)
                }
            }
        }
    }
}
