import AsyncHTTPClient
import Foundation
import NIOHTTP1
import RegisterLinkTestSupport
import Testing

extension SettlementdProcessTests {
    /// Issue 11: what a black-box integrator found, each against the real settlementd and banksim.
    @Suite("settlementd end to end: integrator regressions")
    struct IntegratorRegressionTests {
        /// Bug 1: ISO 8583 field 4 holds 12 digits; a larger total must not get in at all.
        @Test func aTotalTheBankMessageCannotCarryIsRefusedWhereItEnters() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                let tooLarge = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "ACC-13", unitPrice: 1_000_000_000_000),
                    as: shop)
                #expect(tooLarge.status == 400)
                #expect(tooLarge.body.contains("invalid-request") && tooLarge.body.contains("999999999999"))
                let zero = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "ACC-0", unitPrice: 0), as: shop)
                #expect(zero.status == 400)
                // The phone's side is held to the same limit.
                let phone = try await cluster.phone(
                    "ACC-13", body: Orders.second("shop-1", "ACC-13", unitPrice: 1_000_000_000_000), as: alice
                )
                #expect(phone.status == 400 && phone.body.contains("999999999999"))
                // The largest payable total is accepted.
                let largest = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "ACC-12", unitPrice: 999_999_999_999),
                    as: shop)
                #expect(largest.status == 200)
                // Nothing went to the bank for the refused ones.
                #expect(try await cluster.ledgerEntries(amount: 1_000_000_000_000).isEmpty)
            }
        }

        /// Bug 3: ids are URL-safe, so every order that can be created can be reached by its path.
        @Test func orderIDsThatAPathCannotCarryAreRefusedAtCreation() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                try await cluster.startServer()
                for bad in ["ACC-a/b", "ACC-a?b", "ACC-a#b", "ACC-a%2Fb", "..", "ACC a"] {
                    let body = Orders.first("shop-1", bad, unitPrice: 100)
                        .replacingOccurrences(of: "\\", with: "\\\\")
                    let answer = try await cluster.store(.POST, "/v1/orders", body: body, as: shop)
                    #expect(answer.status == 400, "\(bad): \(answer.body)")
                    #expect(answer.body.contains("orderId"), "\(bad): \(answer.body)")
                }
                let created = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "ACC-a.b_c~d", unitPrice: 100), as: shop
                )
                #expect(created.status == 200)
                // The path segment is percent-decoded: "%2E" is ".", "%7E" is "~".
                let found = try await cluster.store(.GET, "/v1/orders/ACC-a%2Eb_c%7Ed", as: shop)
                #expect(found.status == 200 && found.body.contains("ACC-a.b_c~d"), "\(found.body)")
                let refused = try await cluster.store(.GET, "/v1/orders/ACC-a%2Fb", as: shop)
                #expect(refused.status == 400 && refused.body.contains("A–Z a–z 0–9"), "\(refused.body)")
            }
        }

        /// Bug 5: a known path with a method it does not serve is 405 with Allow, not 404.
        @Test func aMethodAPathDoesNotServeIs405WithAllow() async throws {
            try await SettlementCluster.with { cluster in
                try await cluster.startServer()
                let cases: [(HTTPMethod, String, String)] = [
                    (.GET, "/v1/orders", "POST"), (.PUT, "/v1/orders/PP-1", "GET"),
                    (.DELETE, "/v1/orders/PP-1", "GET"), (.GET, "/v1/orders/PP-1/cancel", "POST"),
                    (.GET, "/v1/orders/PP-1/payment", "POST"), (.TRACE, "/health", "GET"),
                    (.POST, "/metrics", "GET"),
                ]
                for (method, path, allow) in cases {
                    let answer = try await cluster.plain.exchange(method, cluster.base + path)
                    #expect(answer.status == 405, "\(method) \(path)")
                    #expect(answer.headers["Allow"] == [allow], "\(method) \(path)")
                    #expect(answer.body.contains("method-not-allowed"), "\(method) \(path)")
                }
                let unknown = try await cluster.plain.exchange(.GET, cluster.base + "/v1/nothing")
                #expect(unknown.status == 404 && unknown.body.contains("not-found"))
            }
        }

        /// Bug 4: password checks run on a bounded pool; past its queue a sign-in gets 503 busy with
        /// Retry-After, and a refused sign-in is not counted as a wrong password.
        @Test func aSignInStormIsAnsweredBusyNotQueuedForever() async throws {
            try await SettlementCluster.with { cluster in
                _ = try await cluster.enrollMerchant("shop-1")
                _ = try await cluster.enrollUser("bob", password: "correct horse battery")
                try await cluster.startServer(["--password-workers", "1", "--password-queue", "0"])
                let answers = try await withThrowingTaskGroup(of: (Int, [String], String).self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            // Wrong passwords: had the refused ones counted, five would lock bob.
                            let basic = Data("bob:a wrong guess".utf8).base64EncodedString()
                            let answer = try await cluster.plain.exchange(
                                .POST, cluster.base + "/v1/orders/PP-1/payment",
                                headers: [
                                    ("Authorization", "Basic \(basic)"), ("Content-Type", "application/json"),
                                ],
                                body: "{}")
                            return (answer.status, answer.headers["Retry-After"], answer.body)
                        }
                    }
                    var all: [(Int, [String], String)] = []
                    for try await answer in group { all.append(answer) }
                    return all
                }
                let busy = answers.filter { $0.0 == 503 }
                #expect(!busy.isEmpty, "\(answers.map(\.0))")
                #expect(busy.allSatisfy { $0.1 == ["1"] && $0.2.contains("\"busy\"") })
                let checked = answers.filter { $0.0 == 401 }.count
                #expect(checked >= 1, "no sign-in was checked: \(answers.map(\.0))")
                #expect(checked + busy.count == 12, "\(answers.map(\.0))")
                // Only the checked guesses count: bob is locked only if five of them were checked.
                let basic = Data("bob:correct horse battery".utf8).base64EncodedString()
                let after = try await cluster.plain.exchange(
                    .POST, cluster.base + "/v1/orders/PP-1/payment",
                    headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/json")],
                    body: "{}")
                #expect(after.status == (checked >= 5 ? 423 : 400), "\(checked) checked: \(after.body)")
                let metrics = try await cluster.plain.exchange(.GET, cluster.base + "/metrics")
                #expect(metrics.body.contains(#"pairpay_password_checks{state="queued"} 0"#))
                #expect(metrics.body.contains(#"pairpay_acquirer_reversals{state="parked"} 0"#))
            }
        }

        /// The operator's view of the acquirer's reversals, on settlementd's own file while it runs.
        @Test func pairpayReversalsListsTheQueueWhileSettlementdRuns() async throws {
            try await SettlementCluster.with { cluster in
                try await cluster.startServer()
                let (status, output) = try await BuiltExecutable.run(
                    "pairpay", ["reversals", "list", "--acquirer-state", cluster.dir + "/acquirer.sqlite"])
                #expect(status == 0, "\(output)")
                #expect(
                    output.contains("AUTHORIZATION\tORDER\tMERCHANT\tAMOUNT\tCARD\tSTATE\tATTEMPTS\tREASON"))
                let (missing, message) = try await BuiltExecutable.run(
                    "pairpay",
                    ["reversals", "retry", "--acquirer-state", cluster.dir + "/acquirer.sqlite", "7"])
                #expect(missing != 0 && message.contains("no reversal of authorization #7"), "\(message)")
            }
        }
    }
}
