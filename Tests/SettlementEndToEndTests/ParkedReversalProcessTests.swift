import Foundation
import RegisterLinkTestSupport
import Testing

extension SettlementdProcessTests {
    /// Issue 11, bug 1, as found: an authorization of 10¹² that the code before the fix recorded
    /// as `sent` without sending it was "reversed" at every start, its 0400 could not be encoded,
    /// and it blocked every later reversal, so a cancel answered `reversed` while the customer's
    /// hold stayed at the bank. Now it is parked and the cancel's reversal reaches the bank.
    @Suite("settlementd end to end: a reversal that cannot be sent is parked")
    struct ParkedReversalProcessTests {
        @Test func aLegacyUnsendableReversalNoLongerHoldsUpACancel() async throws {
            try await SettlementCluster.with { cluster in
                let shop = try await cluster.enrollMerchant("shop-1")
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                cluster.crashServer()
                let state = cluster.dir + "/acquirer.sqlite"
                try Self.insertLegacyRow(state)
                try await cluster.startServer()

                _ = try await cluster.store(
                    .POST, "/v1/orders", body: Orders.first("shop-1", "acc-1", unitPrice: 1777), as: shop)
                let paid = try await cluster.phone(
                    "acc-1", body: Orders.second("shop-1", "acc-1", unitPrice: 1777), as: alice)
                #expect(paid.status == 200 && paid.body.contains("\"approved\""), "\(paid.body)")
                let cancelled = try await cluster.store(.POST, "/v1/orders/acc-1/cancel", as: shop)
                #expect(
                    cancelled.status == 200 && cancelled.body.contains("\"reversed\""), "\(cancelled.body)")
                // The 0400 reached the bank: its ledger has the reversal beside the authorization.
                let events = try await cluster.ledgerEntries(amount: 1777).compactMap {
                    $0["event"] as? String
                }
                #expect(events.sorted() == ["authorization", "reversal"], "\(events)")

                let (listed, table) = try await BuiltExecutable.run(
                    "pairpay", ["reversals", "list", "--acquirer-state", state])
                #expect(listed == 1, "a parked reversal makes the list exit 1: \(table)")
                let parked = try #require(table.split(separator: "\n").first { $0.hasPrefix("1\t") })
                #expect(parked.contains("ACC-13") && parked.contains("parked") && parked.contains("field 4"))
                #expect(cluster.serverLog.contains("PARKED"))
                let metrics = try await cluster.plain.exchange(.GET, cluster.base + "/metrics")
                #expect(metrics.body.contains(#"pairpay_acquirer_reversals{state="parked"} 1"#))

                _ = try await SettlementCluster.pairpay([
                    "reversals", "resolve", "--acquirer-state", state, "1", "--note",
                    "bank: nothing was held",
                ])
                let (after, _) = try await BuiltExecutable.run(
                    "pairpay", ["reversals", "list", "--acquirer-state", state])
                #expect(after == 0)
            }
        }

        /// The row the code before the fix left: STAN taken, state `sent`, 13 digits of amount.
        static func insertLegacyRow(_ path: String) throws {
            let script = """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                db.execute("UPDATE stan_counter SET value = value + 1")
                db.execute("INSERT INTO authorization (order_id, merchant, terminal, stan, transmission, rrn, amount, "
                           "currency, masked_pan, state) VALUES ('ACC-13', 'shop-1         ', 'PAIRPAY1', '999999', "
                           "'1201120000', '633512999999', 1000000000000, '392', '411111******1111', 'sent')")
                db.commit()
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script, path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestFailure("could not write the legacy row") }
        }
    }
}
