import Foundation

/// CPU time (user + system) spent so far by a process, in milliseconds: another process's from
/// `/proc/PID/stat` (fields 14 and 15, in clock ticks), this process's from `getrusage`.
///
/// The settlement suite divides the CPU each party spent during a run by the pairs it completed:
/// on a machine whose cores client, server and bank share, the sum is the CPU ceiling of a pair.
enum CPUTime {
    /// `pid`'s CPU time, or nil when it cannot be read (the process is gone).
    static func milliseconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) " the fields start at 3 (state); utime is 14 and stime is 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            return nil
        }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's CPU time (all threads).
    static func ofSelf() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func ms(_ time: timeval) -> Double { Double(time.tv_sec) * 1000 + Double(time.tv_usec) / 1000 }
        return ms(usage.ru_utime) + ms(usage.ru_stime)
    }
}

/// The CPU time settlementd, banksim and the benchmark client spent on the pairs of one
/// concurrency level, summed over its runs.
struct PairCPU {
    /// CPU milliseconds of each party at one moment.
    struct Snapshot {
        var settlement: Double
        var bank: Double
        var client: Double
    }

    private var spent = Snapshot(settlement: 0, bank: 0, client: 0)
    private var pairs = 0

    static func snapshot(_ bench: BenchCluster) -> Snapshot {
        Snapshot(
            settlement: bench.cluster.settlement?.pid.flatMap(CPUTime.milliseconds(of:)) ?? 0,
            bank: bench.cluster.bank?.pid.flatMap(CPUTime.milliseconds(of:)) ?? 0,
            client: CPUTime.ofSelf())
    }

    mutating func add(from before: Snapshot, to after: Snapshot, pairs completed: Int) {
        spent.settlement += after.settlement - before.settlement
        spent.bank += after.bank - before.bank
        spent.client += after.client - before.client
        pairs += completed
    }

    private var perPair: Snapshot {
        let count = Double(max(pairs, 1))
        return Snapshot(
            settlement: spent.settlement / count, bank: spent.bank / count, client: spent.client / count)
    }

    /// `settlementd / banksim / client` in CPU ms per pair.
    var perPairSummary: String {
        let each = perPair
        return [each.settlement, each.bank, each.client].map { Samples.format($0, 2) }.joined(
            separator: " / ")
    }

    /// Pairs per second the cores could complete if they did nothing but these three processes.
    func ceiling(cores: Int) -> Double {
        let each = perPair
        let total = each.settlement + each.bank + each.client
        return total > 0 ? Double(cores) * 1000 / total : 0
    }
}
