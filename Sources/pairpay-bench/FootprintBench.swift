import ArgumentParser
import Foundation
import InStoreCluster

/// `pairpay-bench footprint`: registerd's resident memory idle and during sales, its start-up
/// time to ready, and the release binaries' sizes (stripped and not).
struct FootprintBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint", abstract: "registerd memory and start-up; release binary sizes.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Sales during which registerd's memory is sampled.")
    var sales = 5

    func run() async throws {
        let machine = Machine.current()
        var report = Report(suite: "footprint", machine: machine)
        report.header = ["figure", "value", "ceiling / reference", "ratio"]
        let executables = ClusterExecutables()

        // Binary sizes.
        for name in ["registerd", "settlementd", "payagent"] {
            let path = try executables.path(name)
            let size = try Self.fileSize(path)
            let stripped = NSTemporaryDirectory() + "pairpay-bench-\(name)-stripped"
            _ = try Shell.output("/usr/bin/strip", ["-o", stripped, path])
            let strippedSize = try Self.fileSize(stripped)
            try? FileManager.default.removeItem(atPath: stripped)
            let share = "stripped = \(Samples.format(100 * Double(strippedSize) / Double(size), 0)) %"
            // registerd's ceiling is issue 17's; the others have none.
            let isRegisterd = name == "registerd"
            report.rows.append([
                "\(name) release binary",
                "\(Self.mebibytes(size)) MiB, stripped \(Self.mebibytes(strippedSize)) MiB",
                isRegisterd ? "ceiling: stripped ≤ \(Self.strippedCeilingMiB) MiB" : "–",
                isRegisterd
                    ? "\(share) of unstripped; \(Self.percent(Double(strippedSize) / 1_048_576, of: Self.strippedCeilingMiB)) of the ceiling"
                    : share,
            ])
        }

        let bench = try await BenchCluster.start()
        do {
            let setup = try InStoreSetup(bench: bench)
            // Start-up: spawn → "settlement gateway ready" and → "link open", repeated.
            var gatewayReady = Samples()
            var linkOpen = Samples()
            for attempt in 0..<max(options.repeats, 1) {
                if attempt > 0 { await bench.cluster.stopRegisterd() }
                let times = try await Self.startRegisterd(bench.cluster, configuration: setup.configuration)
                gatewayReady.add(times.gateway)
                linkOpen.add(times.link)
            }
            let trivial = try Self.trivialStart(executables)
            report.rows.append([
                "registerd start → \"settlement gateway ready\" (ms)", gatewayReady.summary(1),
                "\(trivial.summary(1)) ms: `registerd --help` spawn to exit", "–",
            ])
            report.rows.append(["registerd start → \"link open\" (ms)", linkOpen.summary(1), "–", "–"])
            guard let pid = bench.cluster.registerd?.pid else {
                throw Shell.Failure(description: "registerd is not running")
            }
            try await setup.register.hello()
            try await Task.sleep(for: .seconds(1))
            let idle = try Self.memory(pid)
            // During sales: sample VmRSS every 5 ms on the side.
            let sampler = Task.detached { () -> Int in
                var peak = 0
                while !Task.isCancelled {
                    peak = max(peak, (try? Self.memory(pid).rss) ?? 0)
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return peak
            }
            for index in 0..<sales { _ = try await setup.sale(receipt: String(format: "F-%04d", index)) }
            sampler.cancel()
            let peakDuringSales = await sampler.value
            let after = try Self.memory(pid)
            report.rows.append([
                "registerd VmRSS idle (link open, after HELLO)", "\(Self.kibibytesAsMiB(idle.rss)) MiB",
                "ceiling ≤ \(Self.idleCeilingMiB) MiB",
                "\(Self.percent(Double(idle.rss) / 1024, of: Self.idleCeilingMiB)) of the ceiling",
            ])
            report.rows.append([
                "registerd idle: of VmRSS, anonymous / file-backed",
                "\(Self.kibibytesAsMiB(idle.anonymous)) / \(Self.kibibytesAsMiB(idle.file)) MiB", "–", "–",
            ])
            let rollup = try Self.smapsRollup(pid)
            report.rows.append([
                "registerd idle: Pss / Private_Dirty (smaps_rollup)",
                "\(Self.kibibytesAsMiB(rollup.pss)) / \(Self.kibibytesAsMiB(rollup.privateDirty)) MiB", "–",
                "–",
            ])
            report.rows.append([
                "registerd VmRSS peak sampled during \(sales) sales",
                "\(Self.kibibytesAsMiB(peakDuringSales)) MiB",
                "idle \(Self.kibibytesAsMiB(idle.rss)) MiB",
                "+\(Self.kibibytesAsMiB(peakDuringSales - idle.rss)) MiB",
            ])
            report.rows.append([
                "registerd VmHWM after \(sales) sales", "\(Self.kibibytesAsMiB(after.hwm)) MiB", "–", "–",
            ])
            report.notes = [
                "start-up: from just before the spawn to the line appearing in registerd's log (polled every 1 ms), "
                    + "\(options.repeats) starts against a running settlementd, median (min–max); the reference is the "
                    + "same binary's `--help` (runtime and dynamic-linking cost only)",
                "memory from /proc/PID/status and smaps_rollup; sales are Fig. 5 (¥1155) rung up on a pty, paid by an "
                    + "in-process phone, result by push; file-backed pages are clean code and data of the binary and "
                    + "the shared libraries (the kernel can drop and re-read them), Private_Dirty is what only this "
                    + "process holds; the ceilings are issue 17's",
                "sizes: .build/release binaries, `strip -o` copies (all Swift libraries are linked statically "
                    + "except the runtime and Foundation, which are shared libraries outside these sizes)",
            ]
        } catch {
            await bench.shutdown()
            throw error
        }
        await bench.shutdown()
        try report.emit(write: options.write)
    }

    static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }

    static func mebibytes(_ bytes: Int) -> String { Samples.format(Double(bytes) / 1_048_576, 1) }
    static func kibibytesAsMiB(_ kib: Int) -> String { Samples.format(Double(kib) / 1024, 1) }

    /// Issue 17's ceilings for registerd.
    static let idleCeilingMiB = 20.0
    static let strippedCeilingMiB = 15.0

    static func percent(_ value: Double, of ceiling: Double) -> String {
        "\(Samples.format(100 * value / ceiling, 0)) %"
    }

    /// VmRSS, VmHWM, RssAnon and RssFile in KiB.
    static func memory(_ pid: Int32) throws -> (rss: Int, hwm: Int, anonymous: Int, file: Int) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        return (
            kibibytes("VmRSS", in: status), kibibytes("VmHWM", in: status), kibibytes("RssAnon", in: status),
            kibibytes("RssFile", in: status)
        )
    }

    /// Pss and Private_Dirty in KiB, from /proc/PID/smaps_rollup.
    static func smapsRollup(_ pid: Int32) throws -> (pss: Int, privateDirty: Int) {
        let rollup = try String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)
        return (kibibytes("Pss", in: rollup), kibibytes("Private_Dirty", in: rollup))
    }

    /// The value of a `Key:   1234 kB` line.
    static func kibibytes(_ key: String, in text: String) -> Int {
        text.split(separator: "\n").first { $0.hasPrefix(key + ":") }
            .flatMap {
                Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            }
            ?? 0
    }

    /// Starts registerd and times the ready lines by polling its log every millisecond.
    static func startRegisterd(
        _ cluster: InStoreCluster, configuration: String
    ) async throws -> (gateway: Double, link: Double) {
        let logPath = cluster.directory + "/registerd.log"
        let offset = (try? fileSize(logPath)) ?? 0
        let clock = Stopwatch()
        let starting = Task { try await cluster.startRegisterd(configuration: configuration) }
        var gateway: Double?
        var link: Double?
        while gateway == nil || link == nil {
            let data = FileManager.default.contents(atPath: logPath) ?? Data()
            let text = String(decoding: data.dropFirst(offset), as: UTF8.self)
            if gateway == nil, text.contains("settlement gateway ready") { gateway = clock.milliseconds }
            if link == nil, text.contains("link open") { link = clock.milliseconds }
            if clock.seconds > 60 { throw Shell.Failure(description: "registerd did not get ready in 60 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
        try await starting.value
        return (gateway ?? 0, link ?? 0)
    }

    /// Spawn-to-exit of `registerd --help`, as a reference for process start-up alone.
    static func trivialStart(_ executables: ClusterExecutables) throws -> Samples {
        var samples = Samples()
        let path = try executables.path("registerd")
        for _ in 0..<5 {
            let clock = Stopwatch()
            _ = try Shell.output(path, ["--help"])
            samples.add(clock.milliseconds)
        }
        return samples
    }
}
