import Foundation
import HTTPTypes
import Hummingbird
import PairPayCore
import RegisterLinkTestSupport
import Synchronization
import Testing

extension SettlementdProcessTests {
    /// The real `payagent` binary against real settlementd and banksim: every sign-in method, a
    /// vaulted card, the phone before the store, a tampered code, a wrong password, relay text.
    @Suite("payagent end to end")
    struct PayagentProcessTests {
        /// Files a phone keeps, written into the cluster's directory.
        struct Phone {
            let cluster: SettlementCluster
            let user: SettlementCluster.User

            var dir: String { cluster.dir }

            /// Writes the user's secrets (mode 0600) and the server key; returns the common options.
            func setUp() throws -> [String] {
                try write(
                    "server.pub", Hex.encode(Array(cluster.publicKey.rawRepresentation)) + "\n", mode: 0o644)
                try write("\(user.id).mackey", Hex.encode(user.key) + "\n", mode: 0o600)
                try write("\(user.id).password", user.password + "\n", mode: 0o600)
                try write(
                    "wallet.json",
                    #"{"cards":[{"name":"visa","pan":"\#(Orders.pan)","expiry":"3012","cvc":"123"},"#
                        + #"{"name":"debit","pan":"5555555555554444","expiry":"3006","cvc":"456"}]}"#,
                    mode: 0o600)
                return [
                    "--server", cluster.base, "--ca", cluster.pki.directory.caCertificatePath,
                    "--server-public-key", dir + "/server.pub",
                ]
            }

            func write(_ name: String, _ text: String, mode: Int) throws {
                let path = dir + "/" + name
                try? FileManager.default.removeItem(atPath: path)
                #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            }

            var mac: [String] {
                [
                    "--user", user.id, "--auth", "mac", "--mac-key-id", user.keyID, "--mac-key-file",
                    "\(dir)/\(user.id).mackey",
                ]
            }
            var password: [String] {
                ["--user", user.id, "--auth", "password", "--password-file", "\(dir)/\(user.id).password"]
            }
            var mtls: [String] {
                [
                    "--auth", "mtls", "--client-cert", cluster.pki.directory.clientCertificatePath(user.id),
                    "--client-key", cluster.pki.directory.clientKeyPath(user.id),
                ]
            }
            var wallet: [String] { ["--wallet", dir + "/wallet.json"] }
        }

        /// A payment code for the order `Orders.first` registers (one Coffee line).
        static func code(
            _ cluster: SettlementCluster, _ order: String, unitPrice: Int64, server: String? = nil,
            relayURL: String? = nil
        ) throws -> String {
            let contents = try JSONDecoder().decode(
                OrderContents.self, from: Data(Orders.contents("shop-1", order, unitPrice: unitPrice).utf8))
            return try PaymentPayload(
                contents: contents, serverURL: server ?? cluster.base,
                expiresAt: Int64(Date().timeIntervalSince1970) + 120, relayURL: relayURL
            ).text()
        }

        static func storeFirst(
            _ cluster: SettlementCluster, _ shop: SettlementCluster.Merchant, _ order: String,
            unitPrice: Int64
        ) async throws {
            let first = try await cluster.store(
                .POST, "/v1/orders", body: Orders.first("shop-1", order, unitPrice: unitPrice), as: shop)
            #expect(first.status == 200, "\(first.body)")
        }

        /// Checks what a paying run printed: the contract's lines, never the card number.
        static func expectApproved(_ run: PayagentRun.Finished, order: String, price: Int64) {
            #expect(run.status == 0, "payagent: \(run.stdout) \(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "order \(order) at shop-1")
            #expect(lines.contains("item A1 1 x JPY \(price) + tax JPY 0 = JPY \(price) Coffee"))
            #expect(lines.contains("total JPY \(price)"))
            let result = lines.first { $0.hasPrefix("result approved (approved) approval ") }
            #expect(result?.hasSuffix(" card ****1111") == true, "\(lines)")
            #expect(lines.contains("result signature verified"))
            for text in [run.stdout, run.stderr] {
                #expect(!text.contains(Orders.pan) && !text.contains("411111"), "card digits in \(text)")
            }
        }

        @Test func everySignInMethodAndTheVaultPayAndTheRelayTextVerifies() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                let reference = try await cluster.vault(pan: Orders.pan, expiry: "3012", user: "alice")
                try await cluster.startServer()
                let phone = Phone(cluster: cluster, user: alice)
                let common = try phone.setUp()

                // MAC, card from the wallet, code as the argument; relay text written to a file.
                try await Self.storeFirst(cluster, shop, "pa-1", unitPrice: 1201)
                let relayFile = cluster.dir + "/relay.txt"
                let mac = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pa-1", unitPrice: 1201)] + common + phone.mac
                        + phone.wallet
                        + ["--card", "visa", "--yes", "--relay-out", relayFile])
                Self.expectApproved(mac, order: "pa-1", price: 1201)
                let relayText = try String(contentsOfFile: relayFile, encoding: .utf8)
                #expect(mac.stdout.contains("relay text \(relayText)\n"))
                let relayed = try ResultVerifier(publicKey: cluster.publicKey).verifyRelay(relayText)
                #expect(relayed.orderID == "pa-1" && relayed.status == .approved)
                #expect(relayed.total == Money(minorUnits: 1201, currency: .jpy))
                #expect(try await cluster.ledgerEntries(amount: 1201).count == 1)

                // Password, code on stdin.
                try await Self.storeFirst(cluster, shop, "pa-2", unitPrice: 1202)
                let password = try await PayagentRun.run(
                    ["pay", "-"] + common + phone.password + phone.wallet + ["--yes"],
                    stdin: "\n" + (try Self.code(cluster, "pa-2", unitPrice: 1202)) + "\n")
                Self.expectApproved(password, order: "pa-2", price: 1202)
                #expect(
                    !password.stdout.contains(alice.password) && !password.stderr.contains(alice.password))

                // Client certificate (mutual TLS), no authentication header at all.
                try await Self.storeFirst(cluster, shop, "pa-3", unitPrice: 1203)
                let mtls = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pa-3", unitPrice: 1203)] + common + phone.mtls
                        + phone.wallet
                        + ["--yes"])
                Self.expectApproved(mtls, order: "pa-3", price: 1203)

                // A vaulted card: the phone sends only the reference.
                try await Self.storeFirst(cluster, shop, "pa-4", unitPrice: 1204)
                let vault = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pa-4", unitPrice: 1204)] + common + phone.mac
                        + ["--vault-reference", reference, "--yes"])
                Self.expectApproved(vault, order: "pa-4", price: 1204)
                for price: Int64 in [1202, 1203, 1204] {
                    #expect(
                        try await cluster.ledgerEntries(amount: price).count == 1, "bank entries for \(price)"
                    )
                }
            }
        }

        @Test func thePhoneBeforeTheStoreKeepsAskingAndRelaysTheResultToTheStore() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                let phone = Phone(cluster: cluster, user: alice)
                let common = try phone.setUp()
                // The store's relay endpoint (plain HTTP on loopback, as registerd's).
                let relayed = RelayInbox()
                let router = Router()
                router.post("/v1/relay") { request, _ -> Response in
                    let bytes = try await request.body.collect(upTo: 1 << 16)
                    relayed.append(
                        contentType: request.headers[.contentType] ?? "",
                        text: String(buffer: bytes))
                    return Response(status: .noContent)
                }
                let port = PortBox()
                let endpoint = Application(
                    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { port.set($0.localAddress?.port ?? 0) })
                let run = try await withRunningServices([endpoint]) {
                    () async throws -> PayagentRun.Finished in
                    let relayURL = "http://127.0.0.1:\(try await port.wait())/v1/relay"
                    let running = try PayagentRun.start(
                        ["pay", try Self.code(cluster, "pf-1", unitPrice: 1301, relayURL: relayURL)] + common
                            + phone.mac + phone.wallet + ["--yes", "--relay"])
                    // The server answered 202 at least once before the store says anything.
                    try await running.waitForStderr("waiting for the store's order", within: .seconds(30))
                    #expect(running.isRunning)
                    try await Self.storeFirst(cluster, shop, "pf-1", unitPrice: 1301)
                    let run = try await running.finish(within: .seconds(60))
                    #expect(run.stdout.contains("relayed to \(relayURL)\n"), "\(run.stdout) \(run.stderr)")
                    return run
                }
                Self.expectApproved(run, order: "pf-1", price: 1301)
                #expect(run.stderr.contains("sending payment (attempt 2)"))
                #expect(try await cluster.ledgerEntries(amount: 1301).count == 1)
                let posts = relayed.posts
                #expect(posts.count == 1)
                let post = try #require(posts.first)
                #expect(post.contentType == "text/plain")
                let result = try ResultVerifier(publicKey: cluster.publicKey).verifyRelay(post.text)
                #expect(result.orderID == "pf-1" && result.status == .approved)
            }
        }

        @Test func aTamperedCodeIsDeclinedWithoutTheBankAndRefusalsExitOne() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                let phone = Phone(cluster: cluster, user: alice)
                let common = try phone.setUp()

                // The store asks 1401; the code on the counter was replaced by one for 1.
                try await Self.storeFirst(cluster, shop, "pt-1", unitPrice: 1401)
                let tampered = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pt-1", unitPrice: 1)] + common + phone.mac + phone.wallet
                        + ["--yes"])
                #expect(tampered.status == 2, "\(tampered.stdout) \(tampered.stderr)")
                #expect(tampered.stdout.contains("total JPY 1\n"))
                #expect(tampered.stdout.contains("result declined (mismatch)"))
                #expect(tampered.stdout.contains("result signature verified"))
                #expect(try await cluster.ledgerEntries(amount: 1401).isEmpty)
                #expect(try await cluster.ledgerEntries(amount: 1).isEmpty)

                // A wrong password: exit 1 with a sentence, nothing charged.
                try await Self.storeFirst(cluster, shop, "pt-2", unitPrice: 1402)
                try phone.write("alice.password", "not the password\n", mode: 0o600)
                let wrong = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pt-2", unitPrice: 1402)] + common + phone.password
                        + phone.wallet
                        + ["--yes"])
                #expect(wrong.status == 1, "\(wrong.stdout) \(wrong.stderr)")
                #expect(wrong.stderr.contains("the server did not accept your sign-in"), "\(wrong.stderr)")
                #expect(wrong.stderr.contains("--password-file"))
                #expect(!wrong.stdout.contains("result "))
                #expect(try await cluster.ledgerEntries(amount: 1402).isEmpty)

                // A code naming another server is refused before anything is sent.
                let elsewhere = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pt-3", unitPrice: 1403, server: "https://127.0.0.1:1")]
                        + common
                        + phone.mac + phone.wallet + ["--yes"])
                #expect(elsewhere.status == 1)
                #expect(elsewhere.stderr.contains("do not pay with it"), "\(elsewhere.stderr)")

                // A wallet others may read is refused, saying how to fix it.
                try phone.write("open-wallet.json", #"{"cards":[]}"#, mode: 0o644)
                let open = try await PayagentRun.run(
                    ["pay", try Self.code(cluster, "pt-4", unitPrice: 1404)] + common + phone.mac
                        + ["--wallet", cluster.dir + "/open-wallet.json", "--yes"])
                #expect(open.status == 1)
                #expect(open.stderr.contains("chmod 600 \(cluster.dir)/open-wallet.json"), "\(open.stderr)")
            }
        }
    }
}
