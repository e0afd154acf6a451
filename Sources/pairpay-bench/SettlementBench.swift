import ArgumentParser
import DurableSQLite
import Foundation
import GRDB
import SettlementPostgres

/// `pairpay-bench settlement`: matched pairs per second and the second request's latency through
/// the real settlementd (TLS, MAC-signed requests, banksim over ISO 8583, durable SQLite), against
/// the same server's `GET /health` at the same concurrency (HTTP ceiling) and raw durable SQLite
/// commits per second (storage ceiling).
struct SettlementBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlement",
        abstract: "settlementd: matched pairs/s and second-request latency vs HTTP and SQLite ceilings.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Concurrency levels (comma-separated).")
    var concurrency = "1,4,16"

    @Option(help: "Stores to measure side by side in one run: sqlite, postgres, or sqlite,postgres.")
    var store = "sqlite"

    @Option(
        help: """
            PostgreSQL server for --store postgres (a user that may create databases). Default: \
            PAIRPAY_TEST_POSTGRES_URL, else a throwaway cluster (scripts/postgres-cluster.sh).
            """)
    var postgres: String?

    func validate() throws {
        let kinds = store.split(separator: ",").map(String.init)
        guard !kinds.isEmpty, kinds.allSatisfy({ $0 == "sqlite" || $0 == "postgres" }) else {
            throw ValidationError("--store takes sqlite, postgres or sqlite,postgres, not '\(store)'")
        }
    }

    /// What one timed run at one concurrency measured.
    struct Run {
        var perSecond: Double
        var latencies: Samples
        var failures: Int
    }

    func run() async throws {
        let levels = concurrency.split(separator: ",").compactMap { Int($0) }
        let kinds = store.split(separator: ",").map(String.init)
        let machine = Machine.current()
        var report = Report(suite: kinds == ["sqlite"] ? "settlement" : "settlement-stores", machine: machine)
        report.header = [
            "store", "concurrency", "pairs/s", "2nd request p50 / p99 / p99.9 (ms)", "GET /health req/s",
            "/health p50 / p99 (ms)", "pairs/s ÷ (health/2)", "pairs/s ÷ store commits/s",
            "CPU ms per pair: settlementd / banksim / client", "pairs/s ÷ CPU ceiling",
        ]
        let server = kinds.contains("postgres") ? try BenchPostgres(url: postgres) : nil
        defer { server?.stop() }
        for kind in kinds {
            var database: PostgresURL?
            if kind == "postgres", let server { database = try await server.freshDatabase("settlement") }
            let bench = try await BenchCluster.start(
                pushEndpoint: false, postgresDatabase: database?.description)
            do {
                // Warm-up: TLS sessions, database pages, the acquirer's connection.
                _ = try await Self.pairs(bench, concurrency: 4, seconds: 1, tag: "warm")
                _ = try await Self.health(bench, concurrency: 4, seconds: 0.5)
                let storage: Samples
                if let server, let database, kind == "postgres" {
                    var rates = Samples()
                    for _ in 0..<options.repeats {
                        rates.add(try await server.commitsPerSecond(database, seconds: options.seconds))
                    }
                    storage = rates
                } else {
                    storage = try sqliteCeiling(directory: bench.cluster.directory)
                }
                try await measure(
                    bench, kind: kind, levels: levels, machine: machine, storage: storage, into: &report)
                report.notes.append(
                    "\(kind) storage ceiling: "
                        + (kind == "sqlite"
                            ? "DurableSQLite (WAL, synchronous=FULL)"
                            : "PostgreSQL 15 on this machine (fsync, synchronous_commit on)")
                        + ", one small INSERT per transaction, one writer: \(storage.summary()) commits/s")
            } catch {
                await bench.shutdown()
                throw error
            }
            await bench.shutdown()
        }
        report.notes += [
            "a pair = the store's MAC-signed POST /v1/orders, then alice's MAC-signed POST /v1/orders/{id}/payment "
                + "(card), which returns the bank's signed result; latency is the second request's",
            "HTTP ceiling: GET /health on the same settlementd, same TLS client and connection pool, same concurrency; "
                + "a pair is two requests, so its ceiling is health req/s ÷ 2",
            "CPU ceiling: the machine's \(machine.cores) cores ÷ the CPU time (user + system, from /proc and getrusage) "
                + "that settlementd, banksim and this client spent per completed pair during the level's runs"
                + (kinds.contains("postgres")
                    ? " (the PostgreSQL server's own processes are not counted)" : ""),
            "\(options.repeats) runs of \(Samples.format(options.seconds, 1)) s per level; rates median (min–max); "
                + "latency percentiles over all runs of the level; client, settlementd and banksim share the 2 cores"
                + (kinds.contains("postgres") ? " (and PostgreSQL, for its rows)" : ""),
        ]
        try report.emit(write: options.write)
    }

    /// The rows of one store: every concurrency level, with its ceilings.
    func measure(
        _ bench: BenchCluster, kind: String, levels: [Int], machine: Machine, storage: Samples,
        into report: inout Report
    ) async throws {
        for level in levels {
            var pairRates = Samples()
            var healthRates = Samples()
            var latencies = Samples()
            var healthLatencies = Samples()
            var failures = 0
            var cpu = PairCPU()
            for repeat_ in 0..<options.repeats {
                let before = PairCPU.snapshot(bench)
                let paired = try await Self.pairs(
                    bench, concurrency: level, seconds: options.seconds, tag: "\(kind)c\(level)r\(repeat_)")
                cpu.add(from: before, to: PairCPU.snapshot(bench), pairs: paired.latencies.values.count)
                pairRates.add(paired.perSecond)
                for value in paired.latencies.values { latencies.add(value) }
                failures += paired.failures
                let ceiling = try await Self.health(bench, concurrency: level, seconds: options.seconds)
                healthRates.add(ceiling.perSecond)
                for value in ceiling.latencies.values { healthLatencies.add(value) }
            }
            report.rows.append([
                kind, String(level), pairRates.summary(),
                "\(Samples.format(latencies.percentile(50), 1)) / \(Samples.format(latencies.percentile(99), 1)) / \(Samples.format(latencies.percentile(99.9), 1))",
                healthRates.summary(),
                "\(Samples.format(healthLatencies.percentile(50), 2)) / \(Samples.format(healthLatencies.percentile(99), 2))",
                Samples.format(100 * pairRates.median / (healthRates.median / 2), 1) + " %",
                Samples.format(100 * pairRates.median / storage.median, 1) + " %",
                cpu.perPairSummary,
                Samples.format(100 * pairRates.median / cpu.ceiling(cores: machine.cores), 1) + " % of "
                    + Samples.format(cpu.ceiling(cores: machine.cores), 0),
            ])
            if failures > 0 { report.notes.append("\(kind), concurrency \(level): \(failures) pairs failed") }
        }
    }

    /// `concurrency` workers, each doing first then second request in a loop for `seconds`.
    static func pairs(
        _ bench: BenchCluster, concurrency: Int, seconds: Double, tag: String
    ) async throws -> Run {
        let clock = Stopwatch()
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    var index = 0
                    while clock.seconds < seconds {
                        index += 1
                        let order = "bench-\(tag)-\(worker)-\(index)"
                        let first = try await bench.first(orderID: order, amount: 1)
                        guard first.status == 200 else {
                            failures += 1
                            continue
                        }
                        let watch = Stopwatch()
                        let second = try await bench.second(orderID: order, amount: 1)
                        let elapsed = watch.milliseconds
                        if second.status == 200 && second.body.contains("\"approved\"") {
                            latencies.append(elapsed)
                        } else {
                            failures += 1
                            if failures == 1 {
                                print("pair failed: \(second.status) \(second.body.prefix(300))")
                            }
                        }
                    }
                    return (latencies, failures)
                }
            }
            var all: [([Double], Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let elapsed = clock.seconds
        let latencies = results.flatMap { $0.0 }
        return Run(
            perSecond: Double(latencies.count) / elapsed, latencies: Samples(latencies),
            failures: results.map { $0.1 }.reduce(0, +))
    }

    /// `concurrency` workers doing `GET /health` for `seconds`.
    static func health(_ bench: BenchCluster, concurrency: Int, seconds: Double) async throws -> Run {
        let clock = Stopwatch()
        let results = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    while clock.seconds < seconds {
                        let watch = Stopwatch()
                        let response = try await bench.send(.GET, "/health")
                        if response.status == 200 { latencies.append(watch.milliseconds) }
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await result in group { all += result }
            return all
        }
        let elapsed = clock.seconds
        return Run(perSecond: Double(results.count) / elapsed, latencies: Samples(results), failures: 0)
    }

    /// Durable commits per second: one small INSERT per transaction, WAL + synchronous=FULL.
    func sqliteCeiling(directory: String) throws -> Samples {
        let path = directory + "/ceiling.sqlite"
        let database = try DurableDatabase.open(path: path)
        try database.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        }
        var rates = Samples()
        for _ in 0..<options.repeats {
            let clock = Stopwatch()
            var count = 0
            while clock.seconds < options.seconds {
                try database.write { db in
                    try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["order-\(count)"])
                }
                count += 1
            }
            rates.add(Double(count) / clock.seconds)
        }
        return rates
    }
}
