import Foundation
import PairPayCore
import Testing

extension SettlementdProcessTests {
    /// settlementd as a process refusing what it must: replays, wrong keys, unknown users, wrong
    /// passwords (with lock-out), a missing client certificate where only mTLS is allowed; and expiry.
    @Suite("settlementd end to end: authentication and expiry")
    struct SettlementAuthTests {
        /// A phone's MAC key retired with `pairpay keys mac retire` while settlementd runs
        /// (issue 16): the next second request signed with it is refused, and nothing is paid.
        @Test func aUserKeyRetiredWhileTheServerRunsIsRefusedAtOnce() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-r")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer([])
                for order in ["r-1", "r-2"] {
                    let first = try await cluster.store(
                        .POST, "/v1/orders", body: Orders.first("shop-r", order, unitPrice: 1313), as: shop)
                    #expect(first.status == 200, "\(first.body)")
                }
                let paid = try await cluster.phone(
                    "r-1", body: Orders.second("shop-r", "r-1", unitPrice: 1313), as: alice)
                #expect(paid.status == 200, "\(paid.body)")
                _ = try await SettlementCluster.pairpay([
                    "keys", "mac", "retire", "--db", cluster.db, "--key-id", alice.keyID,
                ])
                let refused = try await cluster.phone(
                    "r-2", body: Orders.second("shop-r", "r-2", unitPrice: 1313), as: alice)
                #expect(refused.status == 401)
                #expect(refused.body.contains("retired or expired"), "\(refused.body)")
                #expect(try await cluster.ledgerEntries(amount: 1313).count == 1)
            }
        }

        @Test func refusalsLockOutAndExpiry() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                let bob = try await cluster.enrollUser("bob")
                // Stores by client certificate only; orders expire after 2 s.
                try await cluster.startServer(["--store-auth", "mtls", "--order-ttl-seconds", "2"])
                let storeClient = try cluster.client(certificate: "shop-1")
                let verifier = ResultVerifier(publicKey: cluster.publicKey)
                // Orders paid in this test say how long they wait (60 s), so a loaded machine's slow
                // password checks cannot expire them; only a-4 takes the server's 2 s default.
                func first(
                    _ order: String, _ price: Int64, expiresIn: Int? = 60
                ) async throws -> (
                    status: Int, body: String
                ) {
                    try await storeClient.send(
                        .POST, cluster.base + "/v1/orders", headers: [("Content-Type", "application/json")],
                        body: Orders.first("shop-1", order, unitPrice: price, expiresIn: expiresIn))
                }

                // mTLS-only store route: a MAC-signed request and a bare one are refused.
                let signed = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "a-0", unitPrice: 2000), as: shop)
                #expect(signed.status == 401)
                let bare = try await cluster.plain.send(
                    .POST, cluster.base + "/v1/orders", headers: [("Content-Type", "application/json")],
                    body: Orders.first("shop-1", "a-0", unitPrice: 2000))
                #expect(bare.status == 401)
                #expect(bare.body.contains("\"unauthenticated\""))
                // A user's certificate is not a store's.
                let userCertificate = try await cluster.client(certificate: "alice").send(
                    .POST, cluster.base + "/v1/orders", headers: [("Content-Type", "application/json")],
                    body: Orders.first("shop-1", "a-0", unitPrice: 2000))
                #expect(userCertificate.status == 401)

                #expect(try await first("a-1", 2111).status == 200)
                let body = Orders.second("shop-1", "a-1", unitPrice: 2111)
                // Wrong key, unknown key id, a key claimed by another user, unknown user, bad password.
                #expect(
                    try await cluster.phone(
                        "a-1", body: body, as: alice, key: [UInt8](repeating: 1, count: 32)
                    )
                    .status == 401)
                let unknownKey = SettlementCluster.User(
                    id: "alice", keyID: "uk_nope", key: alice.key, password: "")
                #expect(try await cluster.phone("a-1", body: body, as: unknownKey).status == 401)
                #expect(
                    try await cluster.phone("a-1", body: body, as: alice, claimedUser: "bob").status == 401)
                #expect(
                    try await cluster.phone("a-1", body: body, user: "nobody", password: "x").status == 401)
                #expect(
                    try await cluster.phone("a-1", body: body, user: "alice", password: "wrong").status == 401
                )
                #expect(try await cluster.ledgerEntries(amount: 2111).isEmpty)

                // A replayed request (same nonce) is refused.
                let nonce = UUID().uuidString
                let paid = try await cluster.phone("a-1", body: body, as: alice, nonce: nonce)
                #expect(paid.status == 200, "\(paid.body)")
                let replay = try await cluster.phone("a-1", body: body, as: alice, nonce: nonce)
                #expect(replay.status == 401)
                #expect(replay.body.contains("nonce") || replay.body.contains("Nonce"))
                #expect(try await cluster.ledgerEntries(amount: 2111).count == 1)

                // Password and client certificate work for users too.
                #expect(try await first("a-2", 2222).status == 200)
                let byPassword = try await cluster.phone(
                    "a-2", body: Orders.second("shop-1", "a-2", unitPrice: 2222), user: "bob",
                    password: bob.password)
                #expect(byPassword.status == 200, "\(byPassword.body)")
                #expect(try await first("a-3", 2333).status == 200)
                let byCertificate = try await cluster.client(certificate: "alice").send(
                    .POST, cluster.base + "/v1/orders/a-3/payment",
                    headers: [("Content-Type", "application/json")],
                    body: Orders.second("shop-1", "a-3", unitPrice: 2333))
                #expect(byCertificate.status == 200, "\(byCertificate.body)")

                // Lock-out: five wrong passwords, then even the right one gets 423.
                for _ in 0..<5 {
                    _ = try await cluster.phone("a-2", body: body, user: "bob", password: "wrong")
                }
                let locked = try await cluster.phone(
                    "a-2", body: Orders.second("shop-1", "a-2", unitPrice: 2222), user: "bob",
                    password: bob.password)
                #expect(locked.status == 423)
                #expect(locked.body.contains("\"locked\""))

                // Expiry (TTL 2 s): the store learns it by query, a late phone gets 410, no bank call.
                #expect(try await first("a-4", 2444, expiresIn: nil).status == 200)
                var view = ""
                for _ in 0..<40 {
                    try await Task.sleep(for: .milliseconds(250))
                    view = try await storeClient.send(.GET, cluster.base + "/v1/orders/a-4").body
                    if view.contains("\"final\"") { break }
                }
                struct View: Decodable { let result: SignedSettlementResult? }
                let expired = try #require(try JSONDecoder().decode(View.self, from: Data(view.utf8)).result)
                #expect(try verifier.verify(expired).status == .expired)
                let tooLate = try await cluster.phone(
                    "a-4", body: Orders.second("shop-1", "a-4", unitPrice: 2444), as: alice)
                #expect(tooLate.status == 410, "\(tooLate.body)")
                #expect(try await cluster.ledgerEntries(amount: 2444).isEmpty)
                #expect(!cluster.serverLog.contains(bob.password))
            }
        }
    }
}
