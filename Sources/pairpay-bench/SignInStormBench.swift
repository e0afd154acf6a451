import ArgumentParser
import Foundation
import InStoreCluster

/// `pairpay-bench signin-storm`: what a storm of password sign-ins does to everyone else. `/health`
/// and the second request of a pair, each at concurrency 1, quiet and then while 16 clients sign in
/// with bob's correct password as fast as they can. The ceiling is the quiet figure itself: the goal
/// is that the storm leaves both p99s within 2× of it (password checks run on a bounded pool of
/// their own, never on the threads that serve the other requests).
struct SignInStormBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signin-storm",
        abstract: "/health and pair p99, quiet and during a 16-client password sign-in storm.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Clients signing in at once during the storm.")
    var stormClients = 16

    /// What the sign-in clients got.
    struct StormCounts {
        var signedIn = 0
        var busy = 0
        var other = 0
    }

    func run() async throws {
        let machine = Machine.current()
        let bench = try await BenchCluster.start(pushEndpoint: false)
        var report = Report(suite: "signin-storm", machine: machine)
        do {
            _ = try await SettlementBench.pairs(bench, concurrency: 1, seconds: 1, tag: "warm")
            report.header = [
                "phase", "/health p50 / p99 (ms)", "2nd request p50 / p99 (ms)", "sign-ins/s (503 busy/s)",
            ]
            var quiet = (health: Samples(), pairs: Samples())
            var storm = (health: Samples(), pairs: Samples())
            var counts = StormCounts()
            var stormSeconds = 0.0
            for repeat_ in 0..<options.repeats {
                let health = try await SettlementBench.health(bench, concurrency: 1, seconds: options.seconds)
                let pairs = try await SettlementBench.pairs(
                    bench, concurrency: 1, seconds: options.seconds, tag: "quiet\(repeat_)")
                for value in health.latencies.values { quiet.health.add(value) }
                for value in pairs.latencies.values { quiet.pairs.add(value) }

                let clock = Stopwatch()
                let stop = options.seconds * 2 + 0.5
                async let signIns = signInStorm(bench, clients: stormClients, seconds: stop)
                try await Task.sleep(for: .milliseconds(250))  // let the storm build up
                let stormHealth = try await SettlementBench.health(
                    bench, concurrency: 1, seconds: options.seconds)
                let stormPairs = try await SettlementBench.pairs(
                    bench, concurrency: 1, seconds: options.seconds, tag: "storm\(repeat_)")
                let got = try await signIns
                stormSeconds += clock.seconds
                counts.signedIn += got.signedIn
                counts.busy += got.busy
                counts.other += got.other
                for value in stormHealth.latencies.values { storm.health.add(value) }
                for value in stormPairs.latencies.values { storm.pairs.add(value) }
            }
            func cells(_ health: Samples, _ pairs: Samples) -> [String] {
                [
                    "\(Samples.format(health.percentile(50), 2)) / \(Samples.format(health.percentile(99), 2))",
                    "\(Samples.format(pairs.percentile(50), 1)) / \(Samples.format(pairs.percentile(99), 1))",
                ]
            }
            report.rows.append(["quiet"] + cells(quiet.health, quiet.pairs) + ["—"])
            report.rows.append(
                ["\(stormClients)-client sign-in storm"] + cells(storm.health, storm.pairs) + [
                    "\(Samples.format(Double(counts.signedIn) / stormSeconds, 0)) (\(Samples.format(Double(counts.busy) / stormSeconds, 0)))"
                ])
            let healthRatio = storm.health.percentile(99) / quiet.health.percentile(99)
            let pairRatio = storm.pairs.percentile(99) / quiet.pairs.percentile(99)
            report.rows.append([
                "storm ÷ quiet (goal ≤ 2×)", "p99 \(Samples.format(healthRatio, 2))×",
                "p99 \(Samples.format(pairRatio, 2))×", "",
            ])
            report.notes += [
                "a sign-in = POST /v1/orders/{id}/payment with `Authorization: Basic` (bob's correct password) and an "
                    + "empty JSON body: scrypt (N=2¹⁵, r=8, p=1) checks the password, then the body is refused (400); "
                    + "settlementd's defaults: --password-workers 1, --password-queue 32, past which 503 busy + Retry-After",
                "/health and pairs at concurrency 1 as in the settlement suite; latency percentiles over all runs",
                "sign-ins that were neither 400 nor 503: \(counts.other)",
                "\(options.repeats) runs of \(Samples.format(options.seconds, 1)) s per phase; client, settlementd "
                    + "and banksim share the \(machine.cores) cores",
            ]
        } catch {
            await bench.shutdown()
            throw error
        }
        await bench.shutdown()
        try report.emit(write: options.write)
    }

    /// `clients` loops of password sign-ins for `seconds`.
    func signInStorm(_ bench: BenchCluster, clients: Int, seconds: Double) async throws -> StormCounts {
        let clock = Stopwatch()
        let basic = Data("bob:correct horse battery staple".utf8).base64EncodedString()
        return try await withThrowingTaskGroup(of: StormCounts.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var counts = StormCounts()
                    while clock.seconds < seconds {
                        let answer = try await bench.send(
                            .POST, "/v1/orders/storm/payment",
                            headers: [
                                ("Authorization", "Basic \(basic)"), ("Content-Type", "application/json"),
                            ],
                            body: "{}")
                        switch answer.status {
                        case 400: counts.signedIn += 1
                        case 503:
                            counts.busy += 1
                            // A client honouring Retry-After, if sooner than it says.
                            try await Task.sleep(for: .milliseconds(100))
                        default: counts.other += 1
                        }
                    }
                    return counts
                }
            }
            var total = StormCounts()
            for try await counts in group {
                total.signedIn += counts.signedIn
                total.busy += counts.busy
                total.other += counts.other
            }
            return total
        }
    }
}
