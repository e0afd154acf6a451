import Foundation
import PairPayCore
import Testing

extension SettlementdProcessTests {
    /// Refunds and the batch close through settlementd's HTTP API against banksim, both real
    /// processes; a refund repeated after `kill -9` of either is paid once.
    @Suite("settlementd end to end: refunds, batch close, kill -9")
    struct RefundProcessTests {
        static func refundBody(_ id: String, _ amount: Int64, currency: String = "JPY") -> String {
            #"{"refundId":"\#(id)","amount":\#(amount),"currency":"\#(currency)"}"#
        }

        static func sell(
            _ cluster: SettlementCluster, _ order: String, _ price: Int64, shop: SettlementCluster.Merchant,
            user: SettlementCluster.User
        ) async throws {
            _ = try await cluster.store(
                .POST, "/v1/orders", body: Orders.first(shop.id, order, unitPrice: price), as: shop)
            let paid = try await cluster.phone(
                order, body: Orders.second(shop.id, order, unitPrice: price), as: user)
            #expect(paid.status == 200 && paid.body.contains(#""status":"approved""#), "\(paid.body)")
        }

        /// Sends the refund until it is final (202 while the bank's answer is out), at most 60 s.
        static func refundUntilFinal(
            _ cluster: SettlementCluster, _ order: String, _ body: String, shop: SettlementCluster.Merchant
        ) async throws -> RefundView {
            for _ in 0..<120 {
                let answer = try? await cluster.store(
                    .POST, "/v1/orders/\(order)/refunds", body: body, as: shop)
                if let answer, answer.status == 200 {
                    return try JSONDecoder().decode(RefundView.self, from: Data(answer.body.utf8))
                }
                if let answer, answer.status != 202, answer.status != 500, answer.status != 503 {
                    throw TestFailure("refund answered \(answer.status): \(answer.body)")
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            throw TestFailure("the refund of \(order) did not become final in 60 s")
        }

        func refundEntries(_ cluster: SettlementCluster, amount: Int64) async throws -> [String] {
            try await cluster.ledgerEntries(amount: amount).compactMap { entry in
                guard let event = entry["event"] as? String, event == "refund" || event == "capture" else {
                    return nil
                }
                return "\(event) \(entry["response_code"] as? String ?? "")"
            }
        }

        @Test func partialRefundsTheBatchCloseAndACancelAfterCaptureOverHTTP() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                let verifier = ResultVerifier(publicKey: cluster.publicKey)
                try await Self.sell(cluster, "r-1", 3001, shop: shop, user: alice)

                let first = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-1", 1000), as: shop)
                #expect(first.status == 200, "\(first.body)")
                let view = try JSONDecoder().decode(RefundView.self, from: Data(first.body.utf8))
                #expect(try verifier.verify(try #require(view.result)).status == .approved)
                let again = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-1", 1000), as: shop)
                #expect(again.status == 200 && again.body == first.body)
                let other = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-1", 999), as: shop)
                #expect(
                    other.status == 409 && other.body.contains("another order or amount"), "\(other.body)")
                let rest = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-2", 2001), as: shop)
                #expect(rest.body.contains(#""status":"approved""#), "\(rest.body)")
                let more = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-3", 1), as: shop)
                #expect(
                    more.status == 200 && more.body.contains(#""reason":"exceeds-captured""#), "\(more.body)")
                // Bad input names the field; another merchant's order is unknown.
                let usd = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-4", 1, currency: "USD"),
                    as: shop)
                #expect(usd.status == 400 && usd.body.contains("currency"), "\(usd.body)")
                let zero = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-5", 0), as: shop)
                #expect(zero.status == 400 && zero.body.contains("amount"), "\(zero.body)")
                let badID = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf 6", 1), as: shop)
                #expect(badID.status == 400 && badID.body.contains("refundId"), "\(badID.body)")
                let other2 = try await cluster.enrollMerchant("shop-2")
                let foreign = try await cluster.store(
                    .POST, "/v1/orders/r-1/refunds", body: Self.refundBody("rf-7", 1), as: other2)
                #expect(foreign.status == 404, "\(foreign.body)")
                let list = try await cluster.store(.GET, "/v1/orders/r-1/refunds", as: shop)
                #expect(list.status == 200)
                struct Listing: Decodable { let refunds: [RefundView] }
                let listed = try JSONDecoder().decode(Listing.self, from: Data(list.body.utf8)).refunds
                #expect(listed.map(\.refundID) == ["rf-1", "rf-2", "rf-3"])
                #expect(listed.allSatisfy { $0.state == .final })
                #expect(try await refundEntries(cluster, amount: 3001) == ["capture 00"])
                #expect(try await refundEntries(cluster, amount: 1000) == ["refund 00"])
                #expect(try await refundEntries(cluster, amount: 2001) == ["refund 00"])

                // The day closes: r-2 is captured once; a cancel afterwards refunds it in full.
                try await Self.sell(cluster, "r-2", 3002, shop: shop, user: alice)
                let closed = try await cluster.store(.POST, "/v1/batches/close", as: shop)
                #expect(closed.status == 200, "\(closed.body)")
                let batch = try JSONDecoder().decode(BatchCloseSummary.self, from: Data(closed.body.utf8))
                #expect(batch.captures.map(\.orderId) == ["r-2"] && batch.totals.first?.amount == 3002)
                let reclosed = try await cluster.store(.POST, "/v1/batches/close", as: shop)
                #expect(reclosed.body.contains(#""captures":[]"#), "\(reclosed.body)")
                let cancelled = try await cluster.store(.POST, "/v1/orders/r-2/cancel", as: shop)
                #expect(
                    cancelled.status == 200 && cancelled.body.contains(#""reason":"reversed""#),
                    "\(cancelled.body)")
                #expect(try await refundEntries(cluster, amount: 3002) == ["capture 00", "refund 00"])
                #expect(!cluster.serverLog.contains(Orders.pan))
            }
        }

        @Test func aRefundInFlightWhenSettlementdOrBanksimIsKilledIsPaidOnce() async throws {
            try await SettlementCluster.with(bankArguments: ["--latency-ms", "1200"]) { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer(["--reversal-retry-seconds", "1"])
                try await Self.sell(cluster, "k-1", 3101, shop: shop, user: alice)
                try await Self.sell(cluster, "k-2", 3102, shop: shop, user: alice)

                // settlementd dies while its capture and refund are with the bank (1.2 s each).
                let body = Self.refundBody("rf-k1", 1101)
                let inFlight = Task {
                    try? await cluster.store(.POST, "/v1/orders/k-1/refunds", body: body, as: shop)
                }
                try await Task.sleep(for: .milliseconds(1800))
                cluster.crashServer()
                // The capture and the refund need 2.4 s of the bank: the killed one never answered.
                #expect(await inFlight.value == nil)
                try await cluster.startServer()
                let afterServerCrash = try await Self.refundUntilFinal(cluster, "k-1", body, shop: shop)
                #expect(afterServerCrash.result?.refund.status == .approved)

                // banksim dies the same way, and comes back on its port with its ledger.
                let body2 = Self.refundBody("rf-k2", 1102)
                let inFlight2 = Task {
                    try? await cluster.store(.POST, "/v1/orders/k-2/refunds", body: body2, as: shop)
                }
                try await Task.sleep(for: .milliseconds(1800))
                let port = cluster.bankPort
                cluster.crashBank()
                try await cluster.startBank(extraArguments: ["--latency-ms", "1200"], port: port)
                _ = await inFlight2.value
                let afterBankCrash = try await Self.refundUntilFinal(cluster, "k-2", body2, shop: shop)
                #expect(afterBankCrash.result?.refund.status == .approved)

                for (sale, refund) in [(Int64(3101), Int64(1101)), (3102, 1102)] {
                    #expect(
                        try await refundEntries(cluster, amount: sale).filter { $0 == "capture 00" }.count
                            == 1)
                    #expect(
                        try await refundEntries(cluster, amount: refund).filter { $0 == "refund 00" }.count
                            == 1)
                }
            }
        }
    }
}

/// The parts of `POST /v1/batches/close`'s answer the tests read (decoded as an integrator would).
struct BatchCloseSummary: Decodable {
    struct Capture: Decodable {
        let orderId: String
        let state: String
    }
    struct Total: Decodable {
        let currency: String
        let amount: Int64
    }
    let captures: [Capture]
    let totals: [Total]
}
