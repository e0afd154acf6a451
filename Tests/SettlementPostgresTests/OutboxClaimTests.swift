import Foundation
import PostgresTestSupport
import Settlement
import SettlementPostgres
import Testing

@Suite("PostgreSQL push outbox: two instances claim different rows")
struct OutboxClaimTests {
    @Test func concurrentClaimsAreDisjointAndCoverEverything() async throws {
        let url = try await TestPostgres.freshDatabaseURL()
        let pools = [
            try await TestPostgres.connect(url, maximumConnections: 4),
            try await TestPostgres.connect(url, maximumConnections: 4),
        ]
        defer { pools.forEach { $0.close() } }
        let one = try await PostgresSettlementStore(database: pools[0], passwordHasher: .fastForTests)
        let two = try await PostgresSettlementStore(database: pools[1], passwordHasher: .fastForTests)
        try await one.enrollMerchant(id: "M", acquirerMerchantID: nil, terminalID: nil)
        try await one.setPushEndpoint(merchantID: "M", url: "https://store.example/push", secret: [1, 2, 3])
        let now = Date()
        for index in 0..<60 {
            try await one.enqueueDelivery(
                merchantID: "M", orderID: "O-\(index)", resultID: "res_\(index)", body: Data("{}".utf8),
                now: now)
        }
        // The same result queued again (a repeat) is one delivery.
        try await two.enqueueDelivery(
            merchantID: "M", orderID: "O-0", resultID: "res_0", body: Data(), now: now)
        let lease = now.addingTimeInterval(60)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for round in 0..<12 {
                let store = round % 2 == 0 ? one : two
                group.addTask {
                    try await store.claimDueDeliveries(now: now, limit: 7, leaseUntil: lease).map(\.id)
                }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 60 && Set(all).count == 60, "claimed \(all.count), distinct \(Set(all).count)")
        #expect(try await one.claimDueDeliveries(now: now, limit: 100, leaseUntil: lease).isEmpty)
        // An instance that died holding its claims: the rows come back when the lease ends.
        let back = try await two.claimDueDeliveries(
            now: lease, limit: 100, leaseUntil: lease.addingTimeInterval(60))
        #expect(
            back.count == 60
                && back.allSatisfy { $0.url == "https://store.example/push" && $0.secret == [1, 2, 3] })
    }
}
