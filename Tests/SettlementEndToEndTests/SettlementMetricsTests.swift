import Foundation
import InStoreCluster
import Testing

extension SettlementdProcessTests {
    /// settlementd's `GET /metrics` after real pairs against the real banksim: the bank round trip
    /// per message type, the results by status and reason, and the push outbox's depth.
    @Suite("settlementd metrics")
    struct SettlementMetricsTests {
        @Test func bankRoundTripsResultsByOutcomeAndTheOutboxAreCounted() async throws {
            try await SettlementCluster.with { cluster in
                // Nobody listens at the push endpoint: every result stays in the outbox.
                let closed = "https://127.0.0.1:\(try FreePort.pick())/hook"
                let shop = try await cluster.enrollMerchant("shop-1", pushURL: closed)
                let alice = try await cluster.enrollUser("alice")
                try await cluster.startServer()
                let before = Scrape(try await cluster.plain.exchange(.GET, cluster.base + "/metrics").body)
                #expect(before.value("pairpay_push_outbox", ["state": "undelivered"]) == 0)
                #expect(before.value("pairpay_settlement_results_total", ["status": "approved"]) == nil)

                // One approved pair, and one whose phone names another price (declined, mismatch:
                // no bank request).
                for (order, phonePrice) in [("m-1", Int64(1155)), ("m-2", 999)] {
                    _ = try await cluster.store(
                        .POST, "/v1/orders", body: Orders.first("shop-1", order, unitPrice: 1155), as: shop)
                    let paid = try await cluster.phone(
                        order, body: Orders.second("shop-1", order, unitPrice: phonePrice), as: alice)
                    #expect(paid.status == 200, "\(paid.body)")
                }
                let after = Scrape(try await cluster.plain.exchange(.GET, cluster.base + "/metrics").body)
                #expect(
                    after.value(
                        "pairpay_settlement_results_total", ["status": "approved", "reason": "approved"])
                        == 1, "\(after.text)")
                #expect(
                    after.value(
                        "pairpay_settlement_results_total", ["status": "declined", "reason": "mismatch"])
                        == 1)
                // One 0100 answered (the mismatch never reached the bank), timed in the histogram.
                #expect(
                    after.value(
                        "pairpay_bank_round_trip_seconds_count", ["mti": "0100", "outcome": "answered"])
                        == 1)
                let sum = try #require(
                    after.value(
                        "pairpay_bank_round_trip_seconds_sum", ["mti": "0100", "outcome": "answered"]))
                #expect(sum > 0 && sum < 10)
                #expect(after.value("pairpay_push_outbox", ["state": "undelivered"]) == 2)
            }
        }
    }
}

/// The Prometheus text exposition, read line by line: a sample is a name, labels and a value.
struct Scrape {
    let text: String

    init(_ text: String) { self.text = text }

    /// The value of the sample called `name` whose labels include `labels` (others may be present).
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let sampleName = series.prefix { $0 != "{" }
            guard sampleName == name else { continue }
            var found: [String: String] = [:]
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    found[String(parts[0])] = parts[1].trimmingCharacters(
                        in: CharacterSet(charactersIn: "\""))
                }
            }
            guard labels.allSatisfy({ found[$0.key] == $0.value }) else { continue }
            return Double(line[line.index(after: space)...])
        }
        return nil
    }
}
