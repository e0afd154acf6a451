import Acquirer
import AsyncHTTPClient
import BankHost
import Foundation
import Logging
import PostgresTestSupport
import RegisterLinkTestSupport
import SettlementPostgres
import Synchronization
import Testing

extension SettlementdProcessTests {
    /// Two settlementd processes on one PostgreSQL database, as behind a load balancer: each
    /// order's store request goes to one instance and the phone's to the other, while instance A
    /// is killed with `kill -9` at random moments and restarted. `PAIRPAY_TWO_INSTANCE_PAIRS`
    /// sets the number of pairs (200 in CI; RELIABILITY.md has the 1 000-pair run).
    @Suite("two settlementd on one PostgreSQL, one killed with kill -9")
    struct TwoInstanceTests {
        /// One settlementd process and where it listens.
        final class Instance: @unchecked Sendable {
            let name: String
            let arguments: [String]
            let stderr: String
            private let state = Mutex<(process: Process?, port: Int)>((nil, 0))

            init(name: String, arguments: [String], stderr: String) {
                self.name = name
                self.arguments = arguments
                self.stderr = stderr
            }

            var base: String { "https://127.0.0.1:\(port)" }
            /// Its port (the same after a restart).
            var port: Int { state.withLock { $0.port } }

            /// Starts it (on the same port as before, after a kill).
            func start() async throws {
                let port = state.withLock { $0.port }
                let (process, text) = try await BuiltExecutable.launch(
                    "settlementd", arguments + ["--port", String(port)], marker: "listening on https://",
                    stderr: stderr)
                let address = try #require(
                    text.split(separator: " ").first { $0.hasPrefix("https://127.0.0.1:") })
                let chosen = try #require(Int(address.dropFirst("https://127.0.0.1:".count)))
                state.withLock { $0 = (process, chosen) }
            }

            /// `kill -9`.
            func kill() {
                guard let process = state.withLock({ $0.process }) else { return }
                Foundation.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }

            func stop() {
                guard let process = state.withLock({ $0.process }), process.isRunning else { return }
                process.terminate()
                process.waitUntilExit()
            }
        }

        /// What the load saw.
        final class Tally: Sendable {
            let retries = Mutex(0)
            let failures = Mutex<[String]>([])
            /// Pairs started so far: the killer strikes as the load passes each sixth of it.
            let started = Mutex(0)
            /// Times A was killed so far.
            let kills = Mutex(0)
        }

        @Test func everyOrderEndsOnceWithOneAuthorizationWhileAnInstanceIsKilled() async throws {
            let pairs = Int(ProcessInfo.processInfo.environment["PAIRPAY_TWO_INSTANCE_PAIRS"] ?? "") ?? 200
            let database = try await TestPostgres.freshDatabaseURL()
            let accounts = FileManager.default.temporaryDirectory
                .appendingPathComponent("two-instance-accounts-\(UUID().uuidString).json")
            try Data(
                #"""
                {"accounts": [{"id": "visa-credit", "pan": "4111111111111111", "expiry": "3012", "cvc": "123",
                  "currency": "JPY", "kind": "credit", "limit": 1000000000, "perTransactionLimit": 50000}]}
                """#.utf8
            ).write(to: accounts)
            try await SettlementCluster.with(accounts: accounts.path) { cluster in
                cluster.databaseURL = database.description
                let merchant = try await cluster.enrollMerchant("SHOP-TWO")
                let user = try await cluster.enrollUser("user-two")
                let common =
                    cluster.instanceArguments(database: database) + [
                        "--authorization-deadline-seconds", "35", "--reversal-retry-seconds", "2",
                        "--log-level", "info",
                    ]
                let a = Instance(name: "A", arguments: common, stderr: cluster.dir + "/settlementd-a.stderr")
                let b = Instance(name: "B", arguments: common, stderr: cluster.dir + "/settlementd-b.stderr")
                defer {
                    a.stop()
                    b.stop()
                }
                try await a.start()
                try await b.start()
                let instances = [a, b]
                let tally = Tally()

                // The load balancer: the chosen instance, or the other one while it is down.
                @Sendable func send(
                    preferring first: Int,
                    _ request: @Sendable (String) async throws -> (status: Int, body: String)
                ) async -> (status: Int, body: String)? {
                    let deadline = ContinuousClock.now + .seconds(120)
                    var index = first
                    while ContinuousClock.now < deadline {
                        if let answer = try? await request(instances[index].base), answer.status != 503 {
                            return answer
                        }
                        tally.retries.withLock { $0 += 1 }
                        index = 1 - index
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    return nil
                }

                let loadDone = Mutex(false)
                // A is killed at a random moment (0–150 ms) after the load passes each sixth of the
                // pairs; the load waits, a sixth of the pairs later, for that kill, so however fast
                // the pairs run A dies five times or more while they do.
                let sixth = max(pairs / 6, 1)
                let killer = Task {
                    var nextMark = sixth
                    while !loadDone.withLock({ $0 }) {
                        while !loadDone.withLock({ $0 }), tally.started.withLock({ $0 }) < nextMark {
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                        nextMark += sixth
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
                        if loadDone.withLock({ $0 }) { break }
                        a.kill()
                        tally.kills.withLock { $0 += 1 }
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 100...600)))
                        for _ in 0..<5 where (try? await a.start()) == nil {
                            try? await Task.sleep(for: .milliseconds(200))
                        }
                    }
                    return tally.kills.withLock { $0 }
                }

                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<pairs {
                        if index >= 16 { try await group.next() }
                        while case let kills = tally.kills.withLock({ $0 }), kills < 5,
                            index >= min((kills + 2) * sixth, pairs - 1)
                        {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        group.addTask {
                            tally.started.withLock { $0 += 1 }
                            let order = "TI-\(index)"
                            let price = Int64(100 + index % 50)
                            let storeSide = index % 2
                            async let first = send(preferring: storeSide) { base in
                                try await cluster.store(
                                    .POST, "/v1/orders",
                                    body: Orders.first(merchant.id, order, unitPrice: price, expiresIn: 600),
                                    as: merchant, at: base)
                            }
                            async let second = send(preferring: 1 - storeSide) { base in
                                try await cluster.phone(
                                    order, body: Orders.second(merchant.id, order, unitPrice: price),
                                    as: user, at: base)
                            }
                            let (storeAnswer, phoneAnswer) = await (first, second)
                            for (side, answer) in [("store", storeAnswer), ("phone", phoneAnswer)] {
                                guard let answer, (200..<300).contains(answer.status) else {
                                    tally.failures.withLock {
                                        $0.append(
                                            "\(order) \(side): \(answer.map { "\($0.status) \($0.body)" } ?? "no answer")"
                                        )
                                    }
                                    continue
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                loadDone.withLock { $0 = true }
                let kills = await killer.value
                if (try? await cluster.store(.GET, "/health", as: merchant, at: a.base)) == nil {
                    try await a.start()
                }
                #expect(tally.failures.withLock { $0 }.isEmpty, "\(tally.failures.withLock { $0.prefix(5) })")
                #expect(kills >= 5, "instance A was killed \(kills) times while pairs ran")

                // Orders an instance died in the middle of are resolved by a live one after their
                // deadline (35 s); reversals of unanswered requests follow (retry loop every 2 s).
                var results: [String: [String: Any]] = [:]
                let settleBy = ContinuousClock.now + .seconds(150)
                while results.count < pairs, ContinuousClock.now < settleBy {
                    for index in 0..<pairs where results["TI-\(index)"] == nil {
                        let answer = try await cluster.store(
                            .GET, "/v1/orders/TI-\(index)", as: merchant, at: b.base)
                        guard answer.status == 200,
                            let view = try JSONSerialization.jsonObject(with: Data(answer.body.utf8))
                                as? [String: Any],
                            view["state"] as? String == "final",
                            let signed = view["result"] as? [String: Any],
                            let result = signed["result"] as? [String: Any]
                        else { continue }
                        results["TI-\(index)"] = result
                    }
                    if results.count < pairs { try await Task.sleep(for: .seconds(1)) }
                }
                #expect(results.count == pairs, "\(pairs - results.count) order(s) never became final")

                // Both instances give the same signed result for every order (one result per order).
                for index in 0..<pairs {
                    let answer = try await cluster.store(
                        .GET, "/v1/orders/TI-\(index)", as: merchant, at: a.base)
                    let view =
                        try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                    let result = (view?["result"] as? [String: Any])?["result"] as? [String: Any]
                    #expect(
                        result?["resultId"] as? String == results["TI-\(index)"]?["resultId"] as? String,
                        "TI-\(index) has two results")
                }

                let pool = try await TestPostgres.connect(database, maximumConnections: 2)
                defer { pool.close() }
                let acquirerStore = try await PostgresAcquirerStore(database: pool)
                let drainBy = ContinuousClock.now + .seconds(90)
                while ContinuousClock.now < drainBy {
                    let pending = try await acquirerStore.reversalCounts()[.pending] ?? 0
                    let unanswered = try await acquirerStore.interruptedAuthorizations(overdueAt: nil)
                    if pending == 0, unanswered.isEmpty { break }
                    try await Task.sleep(for: .seconds(1))
                }
                let authorizations = try await acquirerStore.authorizations()
                let perOrder = Dictionary(grouping: authorizations, by: \.orderID)
                #expect(perOrder.values.allSatisfy { $0.count == 1 }, "an order went to the bank twice")
                #expect(Set(authorizations.map(\.stan)).count == authorizations.count, "a STAN was reused")
                #expect(try await acquirerStore.reversalCounts() == [.pending: 0, .parked: 0])

                // What the bank saw. A STAN names one message: its repeats carry the same STAN and
                // transmission time, any other message a STAN of its own (reversals included).
                let entries = try IssuerLedger(path: cluster.bankState).entries()
                let byStan = Dictionary(grouping: entries.filter { $0.stan != nil }, by: { $0.stan! })
                let reused = byStan.filter {
                    Set($0.value.map { "\($0.event) \($0.transmission ?? "")" }).count > 1
                }
                #expect(
                    reused.isEmpty,
                    "STANs used for two messages at the bank: \(reused.keys.sorted().prefix(5))")
                // Every authorization the bank approved is one the acquirer recorded, and no order
                // holds two of them.
                let stanToOrder = Dictionary(
                    authorizations.map { ($0.stan, $0.orderID) }, uniquingKeysWith: { first, _ in first })
                let bankApproved = entries.filter { $0.event == "authorization" && $0.holdID != nil }
                let bankHolds = Dictionary(grouping: bankApproved, by: \.holdID!).values.map { $0[0] }
                #expect(
                    bankHolds.allSatisfy { stanToOrder[$0.stan ?? ""] != nil },
                    "the bank approved an authorization the acquirer has no record of")
                let holdsPerOrder = Dictionary(grouping: bankHolds, by: { stanToOrder[$0.stan ?? ""] ?? "?" })
                #expect(holdsPerOrder.values.allSatisfy { $0.count == 1 }, "the bank approved an order twice")

                let approved = results.values.filter { $0["status"] as? String == "approved" }
                let approvedTotal = approved.reduce(Int64(0)) {
                    $0 + (($1["total"] as? NSNumber)?.int64Value ?? 0)
                }
                let holds = try IssuerLedger(path: cluster.bankState).activeHolds()
                #expect(
                    holds.count == approved.count, "holds \(holds.count), approved orders \(approved.count)")
                #expect(
                    holds.reduce(Int64(0)) { $0 + $1.amount } == approvedTotal,
                    "the bank holds a different amount")
                #expect(
                    approved.count > pairs / 2,
                    "most orders should be approved: \(approved.count) of \(pairs)")
                print(
                    "two instances: \(pairs) pairs, \(kills) kill -9 of A, \(tally.retries.withLock { $0 }) retried requests, \(approved.count) approved, \(pairs - approved.count) declined or reversed"
                )
            }
        }
    }
}
